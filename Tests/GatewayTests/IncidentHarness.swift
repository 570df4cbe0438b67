import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import Gateway
import IncidentLinks
import OnCall
import Redis
import Synchronization
import TestSupport
import WorkerKit
import YAMLConfig

/// A gateway with incidents configured (link secret, one API token, two people) on the real
/// RabbitMQ and Redis, in a fresh namespace, with a clock the test sets. Incidents are seeded
/// straight into the escalator's store; commands are read off the escalation queue.
final class IncidentHarness: Sendable {
    static let linkSecret = "link-secret-0123456789abcdef"
    static let apiToken = "api-token-0123456789abcdef"
    /// The gateway's clock starts here (links are signed relative to it).
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    let config: KlaxonConfig
    let metrics = Metrics()
    let publisher: Publisher
    let gateway: GatewayService
    let redis: SharedRedis
    let port: Int
    private let clock: TestClock

    var base: String { "http://127.0.0.1:\(port)" }
    var namespace: String { config.broker.namespace }
    var store: IncidentStore { IncidentStore(redis: redis, namespace: namespace) }
    var commandQueue: String { Topology(namespace: namespace).commandQueue }
    /// The gateway's current instant.
    var now: Date { clock.now }

    /// `links: false` leaves `link_secret_env` out; `tokens: false` leaves `api_tokens` out;
    /// `redisPort` points the gateway's incident store elsewhere (a closed port: Redis down);
    /// `brokerURL` likewise for the broker.
    init(links: Bool = true, tokens: Bool = true, redisPort: Int? = nil, brokerURL: String? = nil) throws {
        _ = try TestEnvironment.broker()
        _ = try TestEnvironment.redis()
        var incidents = "incidents:\n  link_ttl: 1h\n"
        if links { incidents += "  link_secret_env: LINK_SECRET\n" }
        if tokens { incidents += "  api_tokens:\n    - {name: ops-bot, token_env: API_TOKEN}\n" }
        let extra = """
            people:
              - {id: alice, name: Alice Zhang, email: alice@example.com, contact_rules: {default: [email]}}
              - {id: bob, name: Bob Li, email: bob@example.com, contact_rules: {default: [email]}}
            escalation_policies:
              - name: db
                steps:
                  - {notify: {people: [alice]}, wait: 10m}
                  - {notify: {people: [bob]}, wait: 10m}
                exhausted: {people: [alice, bob]}
            \(incidents)
            """
        var yaml = TestEnvironment.configYAML(namespace: TestEnvironment.namespace(), extra: extra)
        if let brokerURL { yaml = yaml.replacingOccurrences(of: "url: \(TestEnvironment.amqpURL)", with: "url: \(brokerURL)") }
        config = try ConfigLoader.parse(
            yaml, environment: ["TEST_TOKEN": TestEnvironment.token, "LINK_SECRET": Self.linkSecret, "API_TOKEN": Self.apiToken])
        var redisConfig = config.redis
        if let redisPort { redisConfig.port = redisPort }
        redis = SharedRedis(redisConfig)
        publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
        let clock = TestClock(Self.t0)
        self.clock = clock
        gateway = GatewayService(
            config: config, publisher: publisher, logger: Logger(process: "test", minimum: .error), metrics: metrics,
            now: { clock.now }, redis: redis)
        port = try gateway.start()
        if brokerURL == nil { publisher.waitUntilConnected() }
    }

    /// Moves the gateway's clock.
    func advance(seconds: Double) { clock.advance(seconds: seconds) }

    /// A policy of two steps (alice, then bob), as the config's `db`.
    static let policy = EscalationPolicy(
        name: "db",
        steps: [
            .init(targets: EscalationTargets(people: ["alice"]), waitMillis: 600_000),
            .init(targets: EscalationTargets(people: ["bob"]), waitMillis: 600_000),
        ],
        exhausted: EscalationTargets(people: ["alice", "bob"]))

    /// Stores a fresh incident opened at t0 (step 0 fired and paged `paged`), optionally moved
    /// on by `events`; returns it.
    @discardableResult
    func seed(
        title: String = "Disk almost full on db-1", fingerprint: String = "fp-\(UUID().uuidString)", paged: [PersonID] = ["alice"],
        events: [IncidentEvent] = []
    ) async throws -> IncidentRecord {
        var (incident, _) = Incident.open(policy: Self.policy, fingerprint: fingerprint, now: Self.t0)
        incident.paged = EscalationTargets(people: paged)
        incident.timeline.append(
            TimelineEntry(at: Self.t0, .paged(step: 0, loop: 0, recipients: paged.map { "email:\($0.rawValue)@example.com" }, gaps: [])))
        for (i, e) in events.enumerated() {
            (incident, _) = transition(incident, e, now: Self.t0.addingTimeInterval(Double(i + 1) * 60), policy: Self.policy)
        }
        let record = IncidentRecord(incident: incident, alert: Fx.alert(title, fingerprint: fingerprint))
        guard try await store.save(record, expected: 0) != nil else { throw TestFailure("incident \(incident.id) exists already") }
        return record
    }

    /// A signed link to `id` for `person` (empty: a team), expiring `ttl` seconds after t0.
    func link(_ id: String, person: String = "alice", actions: Set<IncidentLink.Action> = Set(IncidentLink.Action.allCases), ttl: Int64 = 3600)
        -> IncidentLink
    {
        IncidentLink(incidentID: id, person: person, actions: actions, expires: Int64(Self.t0.timeIntervalSince1970) + ttl)
    }

    /// The page URL of `link`.
    func pageURL(_ link: IncidentLink) -> String { link.url(publicURL: base, secret: Self.linkSecret) }

    /// The URL of `link`'s button `action`.
    func actionURL(_ link: IncidentLink, _ action: String) -> String {
        "\(base)/incidents/\(link.incidentID)/\(action)?\(link.query(secret: Self.linkSecret))"
    }

    /// Every command on the escalation queue now (taken off it), decoded.
    func takeCommands(expecting count: Int = 0) async throws -> [IncidentCommand] {
        // The escalation queue exists once the gateway's publisher declared the topology.
        try await waitFor("the gateway's publisher to connect") { publisher.isConnected }
        let conn = try TestEnvironment.broker()
        defer { conn.close() }
        let got =
            count > 0
            ? try await TestEnvironment.waitForMessages(conn, commandQueue, count: count)
            : try TestEnvironment.drain(conn, commandQueue)
        return try got.map { d in
            let m = try JSONDecoder().decode(EscalatorMessage.self, from: Data(d.body))
            guard m.type == .command, let c = m.command, d.messageID == c.id else { throw TestFailure("not a command: \(d.body)") }
            return c
        }
    }

    /// The API's authorization header.
    static let bearer = ["Authorization": "Bearer \(apiToken)"]

    /// Runs `body`, then `finish()`, also when it throws.
    func run(_ body: (IncidentHarness) async throws -> Void) async throws {
        do { try await body(self) } catch {
            await finish()
            throw error
        }
        await finish()
    }

    /// Stops the gateway and deletes the namespace's queues and keys.
    func finish() async {
        gateway.stop()
        await publisher.shutdown()
        if let keys = try? await redis.command(["KEYS", "\(namespace):*"]), case .array(let items) = keys {
            for k in items { if let s = k.string { _ = try? await redis.command(["DEL", s]) } }
        }
        redis.close()
        TestEnvironment.removeTopology(config)
    }
}

/// A clock a test moves by hand.
final class TestClock: Sendable {
    private let instant: Mutex<Date>
    init(_ start: Date) { instant = Mutex(start) }
    var now: Date { instant.withLock { $0 } }
    func advance(seconds: Double) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

extension HTTPResult {
    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
