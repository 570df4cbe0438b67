import AlertCore
import Escalation
import Foundation
import Redis

/// The escalator's incidents in Redis.
///
/// - Each `IncidentRecord` is a hash under `RedisKeys.incident` with its JSON (`json`) and a
///   version (`v`) that every save bumps. `save` is a compare-and-set on that version, so two
///   replicas applying events to one incident at once cannot lose either: the loser reloads and
///   applies its event again (`update`).
/// - The ids of incidents not yet resolved are the set `RedisKeys.openIncidents`.
/// - Each (policy, fingerprint) has a pointer to its current incident
///   (`RedisKeys.incidentPointer`: `generation`, `id`, and `resolved_at` once resolved), so a
///   repeat finds its incident and a firing alert after a resolved one opens the next generation.
///
/// - Each policy's incidents by the instant they opened (`RedisKeys.openedIncidents`, a sorted
///   set trimmed to the retention), for "what paged during the shift that ended".
///
/// One script writes all of them, so they never disagree. A resolved incident and its pointer
/// expire after `resolvedRetentionSeconds`.
///
/// Dates are encoded as Foundation's default (seconds since 2001 as a JSON number), which
/// round-trips exactly: a loaded incident equals the saved one, and replicas applying the same
/// event to it compute the same result.
public struct IncidentStore: Sendable {
    /// How long a resolved incident stays readable (`klaxonctl incident show`).
    public static let resolvedRetentionSeconds = 7 * 86_400

    /// KEYS[1] incident hash, KEYS[2] open set, KEYS[3] pointer, KEYS[4] the policy's open set,
    /// KEYS[5] the policy's opened index. ARGV[1] id, ARGV[2] JSON, ARGV[3] "1" open / "0"
    /// resolved, ARGV[4] expected version ("0": must not exist), ARGV[5] generation, ARGV[6]
    /// resolved-at text (when resolved), ARGV[7] retention seconds, ARGV[8] opened-at Unix ms.
    /// Returns the new version, or 0 when the stored version is not the expected one.
    static let saveScript = """
        local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if v ~= tonumber(ARGV[4]) then return 0 end
        if v == 0 then
            redis.call('ZADD', KEYS[5], ARGV[8], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', tonumber(ARGV[8]) - tonumber(ARGV[7]) * 1000)
        end
        v = v + 1
        redis.call('HSET', KEYS[1], 'v', v, 'json', ARGV[2])
        redis.call('HSET', KEYS[3], 'generation', ARGV[5], 'id', ARGV[1])
        if ARGV[3] == '1' then
            redis.call('SADD', KEYS[2], ARGV[1])
            redis.call('SADD', KEYS[4], ARGV[1])
            redis.call('PERSIST', KEYS[1])
            redis.call('HDEL', KEYS[3], 'resolved_at')
            redis.call('PERSIST', KEYS[3])
        else
            redis.call('SREM', KEYS[2], ARGV[1])
            redis.call('SREM', KEYS[4], ARGV[1])
            redis.call('HSET', KEYS[3], 'resolved_at', ARGV[6])
            redis.call('EXPIRE', KEYS[1], tonumber(ARGV[7]))
            redis.call('EXPIRE', KEYS[3], tonumber(ARGV[7]))
        end
        return v
        """

    /// A stored record and the version it was read at.
    public struct Versioned: Sendable {
        public var record: IncidentRecord
        public var version: Int64

        /// `record` as stored at `version`.
        public init(record: IncidentRecord, version: Int64) {
            self.record = record
            self.version = version
        }
    }

    /// The current incident of a (policy, fingerprint).
    public struct Pointer: Sendable, Equatable {
        public var generation: Int
        public var id: String
        /// When it resolved (nil while open).
        public var resolvedAt: Date?

        public init(generation: Int, id: String, resolvedAt: Date?) {
            self.generation = generation
            self.id = id
            self.resolvedAt = resolvedAt
        }
    }

    let redis: any RedisCommanding
    let namespace: String

    /// The incidents of `namespace` in `redis`.
    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// Stores `record` if the stored version is still `expected` (0: none stored); the new
    /// version, or nil when someone else saved first.
    public func save(_ record: IncidentRecord, expected: Int64) async throws -> Int64? {
        let incident = record.incident
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        let keys = [
            RedisKeys.incident(namespace, incident.id), RedisKeys.openIncidents(namespace),
            RedisKeys.incidentPointer(namespace, policy: incident.policy, fingerprint: incident.fingerprint),
            RedisKeys.openIncidents(namespace, policy: incident.policy), RedisKeys.openedIncidents(namespace, policy: incident.policy),
        ]
        let open = incident.status == .resolved ? "0" : "1"
        let resolvedAt = incident.resolvedAt.map { String($0.timeIntervalSince1970) } ?? ""
        let args = [
            incident.id, json, open, String(expected), String(incident.generation), resolvedAt, String(Self.resolvedRetentionSeconds),
            String(Self.millis(incident.openedAt)),
        ]
        let reply = try await redis.command(["EVAL", Self.saveScript, "5"] + keys + args)
        let version = try StoreError.integer(try StoreError.checked(reply, "save \(incident.id)"), "save \(incident.id)")
        return version == 0 ? nil : version
    }

    /// The record stored under `id` with its version, or nil if there is none.
    public func load(_ id: String) async throws -> Versioned? {
        let reply = try StoreError.checked(try await redis.command(["HMGET", RedisKeys.incident(namespace, id), "v", "json"]), "load \(id)")
        guard case .array(let items) = reply, items.count == 2, let v = items[0].string.flatMap({ Int64($0) }),
            case .bulk(let bytes) = items[1]
        else { return nil }
        do { return Versioned(record: try JSONDecoder().decode(IncidentRecord.self, from: Data(bytes)), version: v) } catch {
            throw StoreError("load \(id): stored incident does not decode (\(error))")
        }
    }

    /// The current incident of (policy, fingerprint), if any.
    public func pointer(policy: String, fingerprint: String) async throws -> Pointer? {
        let key = RedisKeys.incidentPointer(namespace, policy: policy, fingerprint: fingerprint)
        let reply = try StoreError.checked(try await redis.command(["HMGET", key, "generation", "id", "resolved_at"]), "pointer")
        guard case .array(let items) = reply, items.count == 3, let g = items[0].string.flatMap({ Int($0) }), let id = items[1].string else {
            return nil
        }
        let resolved = items[2].string.flatMap { Double($0) }.map { Date(timeIntervalSince1970: $0) }
        return Pointer(generation: g, id: id, resolvedAt: resolved)
    }

    /// Loads the record `id`, applies `change` and saves it, again from a fresh load whenever
    /// another writer saved in between. `change` returns nil to save nothing. Returns the saved
    /// record (or the loaded one when nothing was saved), nil when none is stored.
    public func update(
        _ id: String, attempts: Int = 50, _ change: (IncidentRecord) throws -> IncidentRecord?
    ) async throws -> IncidentRecord? {
        try await updateVersioned(id, attempts: attempts, change)?.record
    }

    /// `update`, returning the record with the version it is stored at: a caller that changes
    /// it again can save with that version as `expected` instead of loading it back.
    /// `loaded`: the record as the caller just read it, tried first instead of a fresh load
    /// (if another writer saved since, the compare-and-set fails and it is loaded again).
    public func updateVersioned(
        _ id: String, from loaded: Versioned? = nil, attempts: Int = 50, _ change: (IncidentRecord) throws -> IncidentRecord?
    ) async throws -> Versioned? {
        var first = loaded
        for _ in 0..<attempts {
            let read: Versioned?
            if let f = first {
                read = f
                first = nil
            } else {
                read = try await load(id)
            }
            guard let current = read else { return nil }
            guard let next = try change(current.record) else { return current }
            if let version = try await save(next, expected: current.version) { return Versioned(record: next, version: version) }
        }
        throw StoreError("update \(id): \(attempts) concurrent writers in a row; giving up (the message is retried)")
    }

    /// How many incidents of each policy are not yet resolved.
    public func openCounts(policies: [String]) async throws -> [String: Int] {
        guard !policies.isEmpty else { return [:] }
        let replies = try await redis.pipeline(policies.map { ["SCARD", RedisKeys.openIncidents(namespace, policy: $0)] })
        var out: [String: Int] = [:]
        for (p, r) in zip(policies, replies) { out[p] = Int(try StoreError.integer(try StoreError.checked(r, "open count"), "open count")) }
        return out
    }

    /// The ids of the incidents not yet resolved (of one policy, or all), sorted.
    public func openIDs(policy: String? = nil) async throws -> [String] {
        let key = policy.map { RedisKeys.openIncidents(namespace, policy: $0) } ?? RedisKeys.openIncidents(namespace)
        let reply = try StoreError.checked(try await redis.command(["SMEMBERS", key]), "open incidents")
        guard case .array(let items) = reply else { throw StoreError("open incidents: unexpected reply \(reply)") }
        return items.compactMap(\.string).sorted()
    }

    /// The ids of `policy`'s incidents that opened in `[from, to)`, oldest first (kept for
    /// `resolvedRetentionSeconds`).
    public func opened(policy: String, from: Date, to: Date) async throws -> [String] {
        let reply = try StoreError.checked(
            try await redis.command([
                "ZRANGEBYSCORE", RedisKeys.openedIncidents(namespace, policy: policy), String(Self.millis(from)), "(\(Self.millis(to))",
            ]), "opened incidents")
        guard case .array(let items) = reply else { throw StoreError("opened incidents: unexpected reply \(reply)") }
        return items.compactMap(\.string)
    }

    static func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded(.down)) }
}
