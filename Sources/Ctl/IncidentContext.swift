import AMQP
import AlertCore
import EscalatorStore
import Foundation
import Redis
import WorkerKit

/// What every `incident` verb needs: the config (Redis, broker, policies, people), the
/// escalator's `IncidentStore` read from ctl's thread, and a broker connection whose failures
/// map to exit codes. `close()` ends the Redis connection's thread.
final class IncidentContext {
    /// Ids this short or longer may be given as a prefix of an open incident's id.
    static let minimumPrefix = 4

    let configPath: String
    let config: KlaxonConfig
    let topology: Topology
    let store: IncidentStore
    private let redis: SharedRedis

    /// Reads `--config PATH` or `KLAXON_CONFIG`. Secrets of other sections may be unset (see
    /// `ConfigEnvironment`); Redis's password variable must be set, and the broker's URL
    /// variable too when `needsBroker`.
    init(_ a: Arguments, environment: [String: String], io: CtlIO, needsBroker: Bool) throws(CtlError) {
        guard let path = a.value("config") ?? environment["KLAXON_CONFIG"] else {
            throw .usage("no config: pass --config PATH or set KLAXON_CONFIG (Redis, the broker and the policies come from it)")
        }
        let needed: Set<String> = needsBroker ? ["redis.password_env", "broker.url_env"] : ["redis.password_env"]
        do { config = try ConfigEnvironment.load(path: path, environment: environment, secrets: .needed(needed)) } catch {
            for issue in error.issues { io.err(issue.description) }
            throw CtlError(.failure, "\(path): invalid config (klaxonctl config check \(path) lists every problem)")
        }
        configPath = path
        topology = Topology(namespace: config.broker.namespace)
        redis = SharedRedis(config.redis)
        store = IncidentStore(redis: redis, namespace: config.broker.namespace)
    }

    /// Closes the Redis connection and stops its thread.
    func close() { redis.close() }

    /// Where Redis is, for messages.
    var redisAddress: String { "\(config.redis.host):\(config.redis.port)" }

    /// The configured policy named `name`; nil when the config no longer has it.
    func policy(_ name: String) -> EscalationPolicy? { config.escalationPolicies.first { $0.name == name } }

    /// `record` with its policy, as the verbs print it.
    func view(_ record: IncidentRecord) -> IncidentView { IncidentView(record: record, policy: policy(record.incident.policy)) }

    /// Runs one store call on ctl's thread; unreachable Redis is exit 3, anything else exit 1.
    func call<T: Sendable>(_ doing: String, _ body: @escaping @Sendable (IncidentStore) async throws -> T) throws(CtlError) -> T {
        let store = self.store
        switch AsyncWait.result({ try await body(store) }) {
        case .success(let value): return value
        case .failure(let error as RedisError) where error.isConnectionError:
            throw CtlError(.unreachable, "cannot \(doing): Redis at \(redisAddress) is unreachable (\(error))")
        case .failure(let error): throw CtlError(.failure, "cannot \(doing): \(error)")
        }
    }

    /// The stored incident `id`, or nil when there is none.
    func load(_ id: String) throws(CtlError) -> IncidentStore.Versioned? {
        try call("read incident \(id)") { try await $0.load(id) }
    }

    /// The incident the command line's ID names: its full id, or (at least `minimumPrefix`
    /// characters) the start of exactly one open incident's id. None: exit 4; several: exit 2.
    func find(_ text: String) throws(CtlError) -> IncidentStore.Versioned {
        guard !text.isEmpty else { throw .usage("ID: empty (klaxonctl incident list shows the open incidents' ids)") }
        if let found = try load(text) { return found }
        let notFound = CtlError(
            .notFound,
            "no incident with id \(text) in namespace \(topology.namespace) (klaxonctl incident list shows the open ones; a resolved one is kept \(IncidentStore.resolvedRetentionSeconds / 86_400) days)"
        )
        guard text.count >= Self.minimumPrefix else { throw notFound }
        let matches = try call("list open incidents") { try await $0.openIDs() }.filter { $0.hasPrefix(text) }
        guard matches.count <= 1 else {
            throw .usage("ID: \(text) is the start of \(matches.count) open incidents' ids (\(matches.joined(separator: ", "))); give more of it")
        }
        guard let id = matches.first, let found = try load(id) else { throw notFound }
        return found
    }

    /// Every open incident's record (ids in the open set whose record is gone are skipped).
    func openRecords() throws(CtlError) -> [IncidentRecord] {
        try call("list open incidents") { store in
            var records: [IncidentRecord] = []
            for id in try await store.openIDs() {
                if let v = try await store.load(id) { records.append(v.record) }
            }
            return records
        }
    }

    /// A connection in confirm mode to the config's broker (no heartbeats: a command is short).
    func connect() throws(CtlError) -> AMQPConnection {
        guard let url = AMQPURL(config.broker.url) else { throw CtlError(.failure, "\(configPath): broker.url is not a valid amqp:// URL") }
        let conn: AMQPConnection
        do { conn = try AMQPConnection(url: url, heartbeatSeconds: 0) } catch {
            throw CtlError(.unreachable, "cannot reach the broker at \(url): \(error)")
        }
        do { try conn.confirmSelect() } catch {
            conn.close()
            throw CtlError(.unreachable, "cannot enable publisher confirms on \(url): \(error)")
        }
        return conn
    }
}
