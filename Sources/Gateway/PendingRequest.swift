import AMQP
import Foundation
import Synchronization

/// One accepted request waiting for the confirms of its alerts. `finish` runs exactly once: when
/// the last confirm arrives (with the first failure's description, if any), or when its
/// deadline passes.
final class PendingRequest: Sendable {
    private struct State {
        var remaining: Int
        var failure: String?
        var finished = false
    }
    private let state: Mutex<State>
    private let finish: @Sendable (String?) -> Void

    init(count: Int, finish: @escaping @Sendable (String?) -> Void) {
        state = Mutex(State(remaining: count))
        self.finish = finish
    }

    /// Records one publish result; returns `true` when this call finished the request.
    func complete(_ result: Result<Void, AMQPError>) -> Bool {
        let done: (Bool, String?) = state.withLock { s in
            if s.finished { return (false, nil) }
            if case .failure(let e) = result, s.failure == nil { s.failure = e.description }
            s.remaining -= 1
            if s.remaining > 0 { return (false, nil) }
            s.finished = true
            return (true, s.failure)
        }
        if done.0 { finish(done.1) }
        return done.0
    }

    /// Fails the request if it is still waiting; returns `true` when this call finished it.
    func expire() -> Bool {
        let run = state.withLock { s -> Bool in
            if s.finished { return false }
            s.finished = true
            return true
        }
        if run { finish("no answer from the publisher within the request timeout") }
        return run
    }
}

/// The gateway's request timeout: a thread that answers 503 to any request still waiting for its
/// confirms past the deadline, whatever the publisher is doing.
final class RequestDeadlines: Sendable {
    private let waiting = Mutex<[ObjectIdentifier: (PendingRequest, UInt64)]>([:])
    private let timeoutNanos: UInt64
    private let running = Atomic<Bool>(false)

    init(timeoutMillis: Int64) { timeoutNanos = UInt64(max(1, timeoutMillis)) * 1_000_000 }

    func add(_ r: PendingRequest) {
        let deadline = DispatchTime.now().uptimeNanoseconds + timeoutNanos
        waiting.withLock { $0[ObjectIdentifier(r)] = (r, deadline) }
    }

    func remove(_ r: PendingRequest) { _ = waiting.withLock { $0.removeValue(forKey: ObjectIdentifier(r)) } }

    func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let t = Thread { [self] in
            while running.load(ordering: .acquiring) {
                usleep(200_000)
                let now = DispatchTime.now().uptimeNanoseconds
                let late = waiting.withLock { w -> [PendingRequest] in
                    let l = w.values.filter { $0.1 < now }.map(\.0)
                    for r in l { w.removeValue(forKey: ObjectIdentifier(r)) }
                    return l
                }
                for r in late { _ = r.expire() }
            }
        }
        t.name = "gateway-deadlines"
        t.start()
    }

    func stop() { running.store(false, ordering: .releasing) }
}
