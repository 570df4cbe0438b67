import AlertCore
import Foundation
import OnCall
import Redis
import WorkerKit

/// Run-time overrides in Redis, shared by every replica and surviving restarts: one hash
/// (`RedisKeys.oncallOverrides`) of id → JSON, and a version counter (`RedisKeys.oncallVersion`)
/// bumped on every change, which `RosterCache` watches. For async code (over `SharedRedis`);
/// `BlockingOverrideStore` sends the same commands from a blocking caller.
public struct OverrideStore: Sendable {
    let redis: any RedisCommanding
    let namespace: String

    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// Stores an override; throws when Redis cannot be reached (nothing was stored).
    public func add(_ o: StoredOverride) async throws {
        _ = try await redis.pipeline(OverrideCommands.add(o, namespace: namespace))
    }

    /// Removes an override by id; returns whether it existed.
    public func remove(id: String) async throws -> Bool {
        OverrideCommands.removed(try await redis.pipeline(OverrideCommands.remove(id: id, namespace: namespace)))
    }

    /// Every stored override, sorted by start; entries that do not parse are skipped.
    public func all() async throws -> [StoredOverride] {
        OverrideCommands.overrides(try await redis.command(OverrideCommands.all(namespace: namespace)))
    }

    /// The change counter (0 before the first change).
    public func version() async throws -> Int64 {
        try await redis.command(OverrideCommands.version(namespace: namespace)).integer ?? 0
    }
}

/// The commands of `OverrideStore` and how their replies read, written once for the async store
/// and the blocking one.
enum OverrideCommands {
    static func add(_ o: StoredOverride, namespace: String) -> [[String]] {
        [["HSET", RedisKeys.oncallOverrides(namespace), o.id, o.json()], ["INCR", RedisKeys.oncallVersion(namespace)]]
    }

    static func remove(id: String, namespace: String) -> [[String]] {
        [["HDEL", RedisKeys.oncallOverrides(namespace), id], ["INCR", RedisKeys.oncallVersion(namespace)]]
    }

    /// Whether `remove`'s HDEL deleted a field.
    static func removed(_ replies: [RedisReply]) -> Bool { replies.first?.integer == 1 }

    static func all(namespace: String) -> [String] { ["HGETALL", RedisKeys.oncallOverrides(namespace)] }

    static func version(namespace: String) -> [String] { ["GET", RedisKeys.oncallVersion(namespace)] }

    /// HGETALL's field/value pairs → overrides sorted by start then id; unparsable values skipped.
    static func overrides(_ reply: RedisReply) -> [StoredOverride] {
        guard case .array(let items) = reply else { return [] }
        var out: [StoredOverride] = []
        var i = 1
        while i < items.count {
            if let text = items[i].string, let o = StoredOverride.decode(text) { out.append(o) }
            i += 2
        }
        return out.sorted { ($0.from, $0.id) < ($1.from, $1.id) }
    }
}
