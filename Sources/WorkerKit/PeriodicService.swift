import Foundation
import Synchronization

/// A timer loop as a `Service`: calls `tick` every `interval` until shut down (the escalator's
/// step timers and the shift announcer's boundaries run on this). A tick in progress always
/// finishes; `run()` returns within 100 ms of `shutdown()` otherwise.
public final class PeriodicService: Service {
    public let name: String
    let interval: Duration
    let tick: @Sendable () async -> Void
    private let stopped = Atomic<Bool>(false)

    public init(name: String, every interval: Duration, tick: @escaping @Sendable () async -> Void) {
        self.name = name
        self.interval = interval
        self.tick = tick
    }

    public func run() async throws {
        while !stopped.load(ordering: .acquiring) {
            await tick()
            var left = interval
            while left > .zero && !stopped.load(ordering: .acquiring) {
                let step = min(left, .milliseconds(100))
                try? await Task.sleep(for: step)
                left -= step
            }
        }
    }

    public func shutdown() { stopped.store(true, ordering: .releasing) }
}
