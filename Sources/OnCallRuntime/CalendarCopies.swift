import AlertCore
import Foundation
import Redis

/// The last good copy of each calendar that a schedule layer reads from a URL, in Redis
/// (`RedisKeys.calendar`): `klaxonctl oncall sync-calendars` (a CronJob) fetches and writes
/// them; every process's `RosterCache` reads them. No long-running process fetches from the
/// network, so the router never links an HTTP client.
public struct CalendarCopies: Sendable {
    /// One stored calendar.
    public struct Copy: Sendable, Equatable {
        /// The iCalendar text of the last successful fetch, if any.
        public var ics: String?
        public var fetchedAt: Date?
        /// Why the last fetch failed, if it did (the copy above is then older).
        public var error: String?
        public var errorAt: Date?
    }

    let redis: any RedisCommanding
    let namespace: String

    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// The stored copy of a layer ("<schedule>/<index>"), or nil when it was never fetched.
    public func read(_ layer: String) async throws -> Copy? {
        Self.copy(from: try await redis.command(["HGETALL", RedisKeys.calendar(namespace, layer)]))
    }

    /// A copy from the reply to `HGETALL` of its key (nil when the key does not exist).
    public static func copy(from r: RedisReply) -> Copy? {
        guard case .array(let items) = r, !items.isEmpty else { return nil }
        var fields: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string, let v = items[i + 1].string { fields[k] = v }
            i += 2
        }
        return Copy(
            ics: fields["ics"], fetchedAt: fields["fetched_at"].flatMap(Timestamps.parse), error: fields["error"],
            errorAt: fields["error_at"].flatMap(Timestamps.parse))
    }

    /// Stores a good copy (clears the last error).
    public func store(_ layer: String, ics: String, at: Date) async throws {
        let key = RedisKeys.calendar(namespace, layer)
        _ = try await redis.pipeline([["HSET", key, "ics", ics, "fetched_at", Timestamps.format(at)], ["HDEL", key, "error", "error_at"]])
    }

    /// Records a failed fetch; the last good copy stays.
    public func failed(_ layer: String, error: String, at: Date) async throws {
        _ = try await redis.command(["HSET", RedisKeys.calendar(namespace, layer), "error", error, "error_at", Timestamps.format(at)])
    }
}
