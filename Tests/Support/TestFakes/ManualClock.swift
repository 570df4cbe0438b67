import Synchronization

/// A clock tests move by hand: the time source of `InMemoryRedis` (TTLs, `TIME`). It never
/// moves on its own, so expiry happens exactly when a test says so.
public final class ManualClock: Sendable {
    private let millis: Mutex<Int64>

    /// Starts at `millis` since the epoch (default 2026-01-01T00:00:00Z).
    public init(millis: Int64 = 1_767_225_600_000) { self.millis = Mutex(millis) }

    /// Milliseconds since the epoch.
    public var nowMillis: Int64 { millis.withLock { $0 } }

    /// Moves the clock forward by `millis`.
    public func advance(millis step: Int64) {
        precondition(step >= 0, "a clock only moves forward")
        millis.withLock { $0 += step }
    }
}
