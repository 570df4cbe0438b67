import AlertCore
import Foundation
import Redis

/// The escalator's durable timers in Redis, shared by every replica: at most one per incident,
/// each due timer handed to exactly one replica at a time.
///
/// A replica `claimDue`s the timers due now, which leases each one to it for `leaseMillis`
/// (the timer is re-scored to the lease's end and the owner recorded, in one script). It fires
/// the timer (applies `timerDue` to the incident, stores the result, performs the actions),
/// then either `schedule`s the incident's next timer, which replaces the score and drops the
/// lease, or `complete`s it. A replica that crashes before that loses the lease when it ends:
/// the timer is due again and another replica claims it. A timer may fire late, but is never lost.
/// Firing twice (the lease ran out while the first claimer was still working) is harmless: the
/// state machine ignores a timer that is no longer the incident's pending one.
///
/// Keys (from `RedisKeys`): `escalationTimers` (sorted set: incident id → due instant in Unix
/// ms) and `escalationTimerLeases` (hash: incident id → owner).
public struct TimerStore: Sendable {
    let redis: any RedisCommanding
    let keys: [String]

    /// The timers of `namespace` in `redis`.
    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        keys = [RedisKeys.escalationTimers(namespace), RedisKeys.escalationTimerLeases(namespace)]
    }

    /// Makes the incident's one timer due `at`, replacing any (and its lease, if claimed).
    public func schedule(_ incidentID: String, at: Date) async throws {
        _ = try await eval(TimerScripts.schedule, [incidentID, String(Self.millis(at, .up))], "schedule")
    }

    /// Removes the incident's timer and lease; `true` if it had a timer.
    @discardableResult
    public func cancel(_ incidentID: String) async throws -> Bool {
        try StoreError.integer(try await eval(TimerScripts.cancel, [incidentID], "cancel"), "cancel") == 1
    }

    /// Atomically takes up to `limit` timers due at or before `now`, earliest first, leasing
    /// them to `owner` until `now + leaseMillis`; returns their incident ids. Each due timer goes
    /// to one claimer; a timer whose lease ran out is due again.
    public func claimDue(now: Date, limit: Int, leaseMillis: Int64, owner: String) async throws -> [String] {
        guard limit > 0 else { return [] }
        let nowMillis = Self.millis(now, .down)
        let args = [String(nowMillis), String(nowMillis + leaseMillis), String(limit), owner]
        let reply = try await eval(TimerScripts.claimDue, args, "claimDue")
        guard case .array(let items) = reply else { throw StoreError("claimDue: unexpected reply \(reply)") }
        return try items.map { item in
            guard let id = item.string else { throw StoreError("claimDue: unexpected member \(item)") }
            return id
        }
    }

    /// Removes the incident's fired timer if `owner` still holds its lease; `false` (nothing
    /// changed) when the lease ran out and another claimer took it, or the timer was rescheduled
    /// or cancelled meanwhile.
    @discardableResult
    public func complete(_ incidentID: String, owner: String) async throws -> Bool {
        try StoreError.integer(try await eval(TimerScripts.complete, [incidentID, owner], "complete"), "complete") == 1
    }

    /// The instant the incident's timer is due (a claimed one: its lease's end), if it has one.
    public func due(_ incidentID: String) async throws -> Date? {
        let reply = try StoreError.checked(try await redis.command(["ZSCORE", keys[0], incidentID]), "due")
        guard let text = reply.string else { return nil }
        guard let ms = Double(text) else { throw StoreError("due: unexpected score \(text)") }
        return Date(timeIntervalSince1970: ms / 1000)
    }

    /// Runs `script` over the two keys with `args`, turning an error reply into a `StoreError`.
    func eval(_ script: String, _ args: [String], _ what: String) async throws -> RedisReply {
        try StoreError.checked(try await redis.command(["EVAL", script, "2"] + keys + args), what)
    }

    /// `date` in whole Unix milliseconds, rounded by `rule` (due instants up and "now" down, so
    /// a timer is never taken early).
    static func millis(_ date: Date, _ rule: FloatingPointRoundingRule) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(rule))
    }
}
