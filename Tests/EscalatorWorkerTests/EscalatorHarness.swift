import AMQP
import AlertCore
import Escalation
import EscalatorStore
import EscalatorWorker
import Foundation
import Redis
import TestSupport
import WorkerKit
import YAMLConfig

/// A namespace with a two-step policy (alice, then bob, 2 s apart; then the team is told), the
/// escalation queue fed by the test, and the notifications read from `notify.email`.
struct EscalatorHarness {
    static let linkSecret = "escalator-test-link-secret"

    let config: KlaxonConfig
    let namespace: String
    let topology: Topology
    let conn: AMQPConnection
    let redis: RedisClient
    let store: IncidentStore
    let configPath: String

    static func yaml(_ ns: String, wait: String = "2s", watch: String = "2s") -> String {
        TestEnvironment.configYAML(
            namespace: ns,
            extra: """
                people:
                  - {id: alice, name: Alice, email: alice@example.com, contact_rules: {default: [email]}}
                  - {id: bob, name: Bob, email: bob@example.com, contact_rules: {default: [email]}}
                escalation_policies:
                  - name: db
                    steps:
                      - {notify: {people: [alice]}, wait: \(wait)}
                      - {notify: {people: [bob]}, wait: \(wait)}
                    team: {email: [team@example.com]}
                    exhausted: {email: [team@example.com]}
                incidents:
                  link_secret_env: LINK_SECRET
                  watch_interval: \(watch)
                router:
                  default:
                    escalation_policy: db
                """, gateway: "public_url: https://klaxon.example.com")
    }

    init(wait: String = "2s", watch: String = "2s") throws {
        try TestEnvironment.requireServers()
        namespace = TestEnvironment.namespace()
        let text = Self.yaml(namespace, wait: wait, watch: watch)
        config = try ConfigLoader.parse(text, environment: ["TEST_TOKEN": TestEnvironment.token, "LINK_SECRET": Self.linkSecret])
        topology = Topology(namespace: namespace)
        conn = try TestEnvironment.broker()
        try BrokerTopology(config: config).declare(on: conn)
        redis = try TestEnvironment.redis()
        store = IncidentStore(redis: SharedRedis(config.redis), namespace: namespace)
        configPath = try TestEnvironment.temporaryDirectory("escalator").appendingPathComponent("klaxon.yaml").path
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Removes the namespace's queues and Redis keys.
    func cleanUp() {
        TestEnvironment.removeTopology(config)
        deleteRedisKeys()
    }

    /// Deletes every Redis key of the namespace (what a Redis that lost its data looks like to us).
    func deleteRedisKeys() {
        guard case .array(let keys)? = try? redis.command(["KEYS", "\(namespace):*"]) else { return }
        for k in keys.compactMap(\.string) { _ = try? redis.command(["DEL", k]) }
    }

    /// Publishes an escalator message.
    func send(_ m: EscalatorMessage) throws {
        try conn.publish(
            OutboundMessage(exchange: topology.exchange, routingKey: topology.escalationQueue, body: Codec.encode(m), messageID: m.messageID))
    }

    /// The e-mail notifications published within `seconds` until `count` arrived.
    func emails(count: Int, seconds: Double = 15) async throws -> [AlertNotification] {
        try await TestEnvironment.waitForMessages(conn, topology.notifyQueue(.email), count: count, seconds: seconds).map {
            try Codec.decode(AlertNotification.self, from: $0.body)
        }
    }

    /// The one incident of `fingerprint` under policy db.
    func incident(_ fingerprint: String) async throws -> IncidentRecord? {
        guard let p = try await store.pointer(policy: "db", fingerprint: fingerprint) else { return nil }
        return try await store.load(p.id)?.record
    }

    /// An escalator in this process.
    func start(owner: String = UUID().uuidString) throws -> InProcessEscalator {
        try InProcessEscalator(config: config, owner: owner)
    }
}

/// One escalator replica in the test process; `stop()` drains it like SIGTERM.
final class InProcessEscalator: Sendable {
    let host: WorkerHost
    let task: Task<Void, Never>

    init(config: KlaxonConfig, owner: String) throws {
        let logger = Logger(process: "test-escalator", minimum: .error)
        let metrics = Metrics()
        nonisolated(unsafe) var services: [any Service] = []
        host = try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: nil, extra: { _ in services }) { p in
            let parts = EscalatorWorker.parts(
                config: config, publisher: p, redis: SharedRedis(config.redis), logger: logger, metrics: metrics, owner: owner)
            services = parts.services
            return parts.definition
        }
        let host = self.host
        task = Task { await host.run() }
    }

    var metrics: Metrics { host.metrics }

    func stop() async {
        host.stop(drainMillis: 5000)
        await task.value
    }
}

extension Array where Element == AlertNotification {
    /// The recipients, in order.
    var recipients: [String] { flatMap(\.recipients) }
}
