import Synchronization

/// A process's "please stop" as seen by work that waits: set once on SIGTERM (a worker's
/// `onStopRequested`), read by loops that must not hold the process past its grace period.
public final class StopRequest: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    public func request() { requested.store(true, ordering: .releasing) }

    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Sleeps up to `millis`, waking within 100 ms once a stop is requested.
    public func pause(millis: Int64) async {
        var left = millis
        while left > 0 && !isRequested {
            try? await Task.sleep(for: .milliseconds(min(left, 100)))
            left -= 100
        }
    }
}
