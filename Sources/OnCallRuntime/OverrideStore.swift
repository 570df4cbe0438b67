import AlertCore
import Foundation
import OnCall
import Redis
import WorkerKit

/// Run-time overrides in Redis, shared by every replica and surviving restarts: one hash
/// (`RedisKeys.oncallOverrides`) of id → JSON, and a version counter (`RedisKeys.oncallVersion`)
/// bumped on every change, which `RosterCache` watches.
public struct OverrideStore: Sendable {
    let redis: any RedisCommanding
    let namespace: String

    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// Stores an override; throws when Redis cannot be reached (nothing was stored).
    public func add(_ o: StoredOverride) async throws {
        _ = try await redis.pipeline([
            ["HSET", RedisKeys.oncallOverrides(namespace), o.id, o.json()],
            ["INCR", RedisKeys.oncallVersion(namespace)],
        ])
    }

    /// Removes an override by id; returns whether it existed.
    public func remove(id: String) async throws -> Bool {
        let r = try await redis.pipeline([
            ["HDEL", RedisKeys.oncallOverrides(namespace), id],
            ["INCR", RedisKeys.oncallVersion(namespace)],
        ])
        return r[0].integer == 1
    }

    /// Every stored override, sorted by start; entries that do not parse are skipped.
    public func all() async throws -> [StoredOverride] {
        let r = try await redis.command(["HGETALL", RedisKeys.oncallOverrides(namespace)])
        guard case .array(let items) = r else { return [] }
        var out: [StoredOverride] = []
        var i = 1
        while i < items.count {
            if let text = items[i].string, let o = StoredOverride.decode(text) { out.append(o) }
            i += 2
        }
        return out.sorted { ($0.from, $0.id) < ($1.from, $1.id) }
    }

    /// The change counter (0 before the first change).
    public func version() async throws -> Int64 {
        try await redis.command(["GET", RedisKeys.oncallVersion(namespace)]).integer ?? 0
    }
}
