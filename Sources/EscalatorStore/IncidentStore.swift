import AlertCore
import Escalation
import Foundation
import Redis

/// The escalator's incidents in Redis: each one as JSON under `RedisKeys.incident`, and the ids
/// of those not yet resolved in the set `RedisKeys.openIncidents`. Saving writes both in one
/// script, so the set never disagrees with the stored status.
///
/// Dates are encoded as Foundation's default (seconds since 2001 as a JSON number), which
/// round-trips exactly: a loaded incident equals the saved one, and replicas applying the same
/// event to it compute the same result.
public struct IncidentStore: Sendable {
    /// KEYS[1] the incident's key, KEYS[2] the open set. ARGV[1] incident id, ARGV[2] its JSON,
    /// ARGV[3] "1" while open (else resolved). Stores the JSON and adds the id to the open set
    /// (or removes it once resolved). Returns 1.
    static let saveScript = """
        redis.call('SET', KEYS[1], ARGV[2])
        if ARGV[3] == '1' then
            redis.call('SADD', KEYS[2], ARGV[1])
        else
            redis.call('SREM', KEYS[2], ARGV[1])
        end
        return 1
        """

    let redis: any RedisCommanding
    let namespace: String

    /// The incidents of `namespace` in `redis`.
    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// Stores `incident` (replacing what was stored under its id) and keeps the open set in step.
    public func save(_ incident: Incident) async throws {
        let json = String(decoding: try JSONEncoder().encode(incident), as: UTF8.self)
        let keys = [RedisKeys.incident(namespace, incident.id), RedisKeys.openIncidents(namespace)]
        let open = incident.status == .resolved ? "0" : "1"
        let reply = try await redis.command(["EVAL", Self.saveScript, "2"] + keys + [incident.id, json, open])
        _ = try StoreError.checked(reply, "save \(incident.id)")
    }

    /// The incident stored under `id`, or nil if there is none.
    public func load(_ id: String) async throws -> Incident? {
        let reply = try StoreError.checked(try await redis.command(["GET", RedisKeys.incident(namespace, id)]), "load \(id)")
        guard case .bulk(let bytes) = reply else { return nil }
        do { return try JSONDecoder().decode(Incident.self, from: Data(bytes)) } catch {
            throw StoreError("load \(id): stored incident does not decode (\(error))")
        }
    }

    /// The ids of the incidents not yet resolved, sorted.
    public func openIDs() async throws -> [String] {
        let reply = try StoreError.checked(try await redis.command(["SMEMBERS", RedisKeys.openIncidents(namespace)]), "open incidents")
        guard case .array(let items) = reply else { throw StoreError("open incidents: unexpected reply \(reply)") }
        return items.compactMap(\.string).sorted()
    }
}
