import Synchronization

/// The gateway's load shedding: how many accepted alerts may wait for their broker confirms at
/// once (`gateway.max_pending_alerts`). Past it a request is refused before anything is
/// published, so the process's memory is bounded by the limit, not by the clients' rate or the
/// broker's speed, and clients hear "retry" at once instead of after `publish_timeout`.
final class AdmissionLimit: Sendable {
    let limit: Int
    private let pending = Atomic<Int>(0)

    init(limit: Int) { self.limit = max(1, limit) }

    /// Alerts admitted and not yet released.
    var current: Int { pending.load(ordering: .relaxed) }

    /// Admits `count` alerts if they fit. A request larger than the whole limit is admitted
    /// alone, when nothing else waits, so no request is refused forever.
    func admit(_ count: Int) -> Bool {
        var now = pending.load(ordering: .relaxed)
        while true {
            guard now == 0 || now + count <= limit else { return false }
            let (exchanged, original) = pending.compareExchange(expected: now, desired: now + count, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            now = original
        }
    }

    func release(_ count: Int) { pending.subtract(count, ordering: .acquiringAndReleasing) }
}
