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
    /// Notifications drained but not yet handed to the test, per channel.
    let backlog = Backlog()

    /// `policy` adds lines to policy db (e.g. `ack_timeout: 2s`).
    /// `voice` is a `voice:` section (indented at the top level) for tests with `klaxon-voice`.
    /// `publicURL: false` leaves `gateway.public_url` out. `prefetch` sets `broker.prefetch`.
    static func yaml(
        _ ns: String, wait: String = "2s", watch: String = "2s", policy: String = "", gatewayPort: Int = 0, voice: String = "",
        publicURL: Bool = true,
        prefetch: Int? = nil
    ) -> String {
        TestEnvironment.configYAML(
            namespace: ns,
            extra: """
                chat:
                  robots:
                    - {name: ops, platform: dingtalk, webhook_env: DT_URL}
                people:
                  - {id: alice, name: Alice, email: alice@example.com, contact_rules: {default: [email]}}
                  - {id: bob, name: Bob, email: bob@example.com, contact_rules: {default: [email]}}
                  - id: dave
                    name: Dave
                    email: dave@example.com
                    dingtalk: {robot: ops, mobile: "13900139000"}
                    contact_rules: {default: [email, {channel: dingtalk, after: 5s}]}
                  - {id: carol, name: Carol, email: carol@example.com, phone: "+15005550001", contact_rules: {default: [voice]}}
                  - {id: wei, name: Wei, email: wei@example.com, phone: "+8613800138000", language: zh-CN, contact_rules: {default: [voice]}}
                  - {id: erin, name: Erin, email: erin@example.com, phone: "+15005550003", contact_rules: {default: [voice, {channel: sms, after: 1h}]}}
                  - {id: li, name: Li, email: li@example.com, phone: "+8613900139001", language: zh-CN, contact_rules: {default: [voice, {channel: sms, after: 1h}]}}
                escalation_policies:
                  - name: db
                    steps:
                      - {notify: {people: [alice]}, wait: \(wait)}
                      - {notify: {people: [bob]}, wait: \(wait)}
                    team: {email: [team@example.com]}
                    exhausted: {email: [team@example.com]}
                \(policy.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                  - name: phone
                    steps:
                      - {notify: {people: [carol]}, wait: \(wait)}
                      - {notify: {people: [bob]}, wait: \(wait)}
                    team: {email: [team@example.com]}
                    exhausted: {email: [team@example.com]}
                  - name: phone-cn
                    steps:
                      - {notify: {people: [wei]}, wait: \(wait)}
                      - {notify: {people: [bob]}, wait: \(wait)}
                    team: {email: [team@example.com]}
                    exhausted: {email: [team@example.com]}
                  - name: callthen
                    steps:
                      - {notify: {people: [erin]}, wait: 1h}
                    exhausted: {email: [team@example.com]}
                  - name: callthen-cn
                    steps:
                      - {notify: {people: [li]}, wait: 1h}
                    exhausted: {email: [team@example.com]}
                  - name: delayed
                    steps:
                      - {notify: {people: [dave]}, wait: 1h}
                    exhausted: {email: [team@example.com]}
                incidents:
                  link_secret_env: LINK_SECRET
                  watch_interval: \(watch)
                router:
                  default:
                    escalation_policy: db
                \(voice)
                """,
            gateway: !publicURL ? "" : gatewayPort == 0 ? "public_url: https://klaxon.example.com" : "public_url: http://127.0.0.1:\(gatewayPort)"
        ).replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(gatewayPort)")
            .replacingOccurrences(of: "  heartbeat_seconds: 0", with: "  heartbeat_seconds: 0" + (prefetch.map { "\n  prefetch: \($0)" } ?? ""))
    }

    static let environment = [
        "TEST_TOKEN": TestEnvironment.token, "LINK_SECRET": linkSecret, "DT_URL": "http://127.0.0.1:9/robot/send",
        "TWILIO_TOKEN": FakeTwilio.authToken, "PBX_SECRET": FakeVoiceWebhook.secret,
        "ALIYUN_SECRET": FakeAliyun.accessKeySecret, "ALIYUN_RECEIPT_TOKEN": "aliyun-receipt-token", "TENCENT_KEY": FakeTencent.secretKey,
        "TENCENT_CALLBACK_TOKEN": "tencent-callback-token",
    ]

    /// `gatewayPort`: the gateway's listen port and public URL (0: no gateway in the test).
    init(
        wait: String = "2s", watch: String = "2s", policy: String = "", gatewayPort: Int = 0, voice: String = "", publicURL: Bool = true,
        prefetch: Int? = nil
    ) throws {
        try TestEnvironment.requireServers()
        namespace = TestEnvironment.namespace()
        let text = Self.yaml(
            namespace, wait: wait, watch: watch, policy: policy, gatewayPort: gatewayPort, voice: voice, publicURL: publicURL, prefetch: prefetch)
        config = try ConfigLoader.parse(text, environment: Self.environment)
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
        try conn.publish(OutboundMessage(m, topology: topology))
    }

    /// The e-mail notifications published within `seconds` until `count` arrived.
    func emails(count: Int, seconds: Double = 15) async throws -> [AlertNotification] {
        try await notifications(.email, count: count, seconds: seconds)
    }

    /// A first step's wait long enough for a loaded machine (a full run on two cores) to place a
    /// call or deliver a page and bring its acknowledgement back before the next step is due:
    /// with 3 s, a full CI run once paged bob before wei's key press arrived.
    static let answeredStepWait = 20.0

    /// Every e-mail notification published until `seconds` after `start`: what arrives past a
    /// step's due time shows whether an acknowledged incident's next step still fired.
    func emails(until seconds: Double, after start: Date) async throws -> [AlertNotification] {
        try await notifications(.email, count: .max, seconds: max(1, seconds - Date().timeIntervalSince(start)))
    }

    /// The next `count` notifications of `channel` in the order they were published, waiting up
    /// to `seconds`; fewer if they did not arrive. Messages drained beyond `count` are kept for
    /// the next call, so a late poll (a loaded machine) never merges two steps' pages. Polled from
    /// a thread of its own (never blocking the cooperative pool).
    func notifications(_ channel: Channel, count: Int, seconds: Double) async throws -> [AlertNotification] {
        nonisolated(unsafe) let conn = self.conn  // used by one polling thread at a time
        let queue = topology.notifyQueue(channel)
        let deadline = Date().addingTimeInterval(seconds)
        while backlog.count(channel) < count && Date() < deadline {
            let got = try await blocking { try TestEnvironment.drain(conn, queue) }.map { try Codec.decode(AlertNotification.self, from: $0.body) }
            backlog.add(got, channel)
            if backlog.count(channel) < count { try await Task.sleep(for: .milliseconds(50)) }
        }
        return backlog.take(count, channel)
    }

    func robotMessages(count: Int, seconds: Double = 15) async throws -> [AlertNotification] {
        try await notifications(.dingtalk, count: count, seconds: seconds)
    }

    /// Sends a person's command on `incidentID`.
    func command(_ action: IncidentCommand.Action, _ incidentID: String, by: String = "alice", until: Date? = nil) throws {
        try send(
            .command(IncidentCommand(id: UUID().uuidString, incidentID: incidentID, action: action, by: by, via: .cli, until: until, at: Date())))
    }

    /// The one incident of `fingerprint` under `policy`.
    func incident(_ fingerprint: String, policy: String = "db") async throws -> IncidentRecord? {
        guard let p = try await store.pointer(policy: policy, fingerprint: fingerprint) else { return nil }
        return try await store.load(p.id)?.record
    }

    /// An escalator process, ready.
    func start() async throws -> EscalatorProcess {
        let p = try EscalatorProcess(configPath: configPath)
        try await p.waitUntilReady()
        return p
    }
}

/// One `klaxon-escalator` process (the real binary, so the test process's own load cannot
/// starve it); `stop()` is SIGTERM and waits for a clean exit.
final class EscalatorProcess: Sendable {
    let process: ChildProcess
    let port: Int

    init(configPath: String) throws {
        port = freePort()
        process = try ChildProcess(
            try TestEnvironment.binary("klaxon-escalator"), ["--config", configPath, "--health-listen", "127.0.0.1:\(port)"],
            environment: EscalatorHarness.environment)
    }

    /// Waits until it consumes (its `/readyz` answers 200).
    func waitUntilReady() async throws {
        try await waitFor("klaxon-escalator ready on \(port)", seconds: 30) {
            (try? await http("GET", "http://127.0.0.1:\(port)/readyz").status) == 200
        }
    }

    /// The value of a metric series (0 when absent), read from `/metrics`.
    func metric(_ name: String, _ labels: [String: String] = [:]) async throws -> Double {
        let text = String(decoding: try await http("GET", "http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
        let series =
            labels.isEmpty ? name : name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }

    /// SIGTERM; true when it exited 0.
    @discardableResult
    func stop() async -> Bool {
        process.signal(SIGTERM)
        return await process.wait() == 0
    }

    var log: String { process.log }
}

extension Array where Element == AlertNotification {
    /// The recipients, in order.
    var recipients: [String] { flatMap(\.recipients) }
}

/// Notifications taken off a queue and not yet returned to the test, in publication order.
final class Backlog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Channel: [AlertNotification]] = [:]

    func add(_ new: [AlertNotification], _ channel: Channel) {
        lock.withLock { items[channel, default: []] += new }
    }

    func count(_ channel: Channel) -> Int { lock.withLock { items[channel]?.count ?? 0 } }

    func take(_ n: Int, _ channel: Channel) -> [AlertNotification] {
        lock.withLock {
            let all = items[channel] ?? []
            items[channel] = Array(all.dropFirst(n))
            return Array(all.prefix(n))
        }
    }
}

extension EscalatorHarness {
    /// The real `klaxon-gateway` on this harness's config (its `gatewayPort`), once ready.
    func startGateway(port: Int) async throws -> ChildProcess {
        let gateway = try ChildProcess(try TestEnvironment.binary("klaxon-gateway"), ["--config", configPath], environment: Self.environment)
        try await waitFor("gateway ready", seconds: 30) { (try? await http("GET", "http://127.0.0.1:\(port)/readyz").status) == 200 }
        return gateway
    }
}
