import AMQP
import AlertCore
import Foundation
import Gateway
import Redis
import TestSupport
import WorkerKit
import YAMLConfig

/// A gateway with `oncall_relay:` on the real RabbitMQ (and Redis unless told otherwise), in a
/// fresh namespace, and requests built as Grafana OnCall OSS builds them: the API URL is
/// `GRAFANA_CLOUD_ONCALL_API_URL` (`<gateway>/oncall`) joined with the path as
/// `create_engine_url` joins (`base + "/" + path`), `Authorization: <token>` raw, bodies
/// form-encoded as `requests.post(data=…)` encodes them (`urlencode`, `quote_plus`).
final class OnCallRelayHarness: Sendable {
    static let token = "oncall-relay-token-0123456789"
    static let grafanaURL = "https://grafana.example.com"
    /// The gateway's clock (the heartbeat gauge is read from it).
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    /// alice: e-mail and phone (Chinese voice); bob: e-mail, no phone; carol: a `+` address and
    /// a phone; dave: a phone but no e-mail (not listed, never found).
    static let people = """
        people:
          - {id: alice, name: Alice, email: alice@example.com, phone: "+15005550001", language: zh-CN, contact_rules: {default: [voice]}}
          - {id: bob, name: Bob, email: Bob@Example.com, contact_rules: {default: [email]}}
          - {id: carol, name: Carol, email: carol+oncall@example.com, phone: "+15005550002", contact_rules: {default: [sms]}}
          - {id: dave, name: Dave, phone: "+15005550003", contact_rules: {default: [voice]}}
        """

    static let environment = ["TEST_TOKEN": TestEnvironment.token, "ONCALL_TOKEN": token, "TWILIO_TOKEN": FakeTwilio.authToken]

    let yaml: String
    let config: KlaxonConfig
    let metrics = Metrics()
    let publisher: Publisher
    let gateway: GatewayService
    let redis: SharedRedis?
    let port: Int

    /// `GRAFANA_CLOUD_ONCALL_API_URL` as an OnCall install would set it.
    var api: String { "http://127.0.0.1:\(port)/oncall" }
    var namespace: String { config.broker.namespace }

    /// `relay` lines go under `oncall_relay:` after the token and grafana_url; `gateway` under
    /// `gateway:`; `extra` at the top level. `redis: false` starts the gateway without Redis.
    /// `namespace` shares another harness's (a second replica).
    init(
        relay: String = "", gateway gatewayYAML: String = "", extra: String = "", redis useRedis: Bool = true, brokerURL: String? = nil,
        namespace: String? = nil
    ) throws {
        _ = try TestEnvironment.broker()
        if useRedis { _ = try TestEnvironment.redis() }
        let relayLines =
            ["tokens: [{name: oncall-prod, token_env: ONCALL_TOKEN}]", "grafana_url: \(Self.grafanaURL)"]
            + relay.split(separator: "\n").map(String.init)
        var text = TestEnvironment.configYAML(
            namespace: namespace ?? TestEnvironment.namespace(),
            extra: Self.people + "\noncall_relay:\n" + relayLines.map { "  " + $0 }.joined(separator: "\n") + "\n" + extra, gateway: gatewayYAML)
        if let brokerURL { text = text.replacingOccurrences(of: "url: \(TestEnvironment.amqpURL)", with: "url: \(brokerURL)") }
        yaml = text
        config = try ConfigLoader.parse(text, environment: Self.environment)
        redis = useRedis ? SharedRedis(config.redis) : nil
        publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
        gateway = GatewayService(
            config: config, publisher: publisher, logger: Logger(process: "test", minimum: .error), metrics: metrics, now: { Self.t0 }, redis: redis)
        port = try gateway.start()
        if brokerURL == nil { publisher.waitUntilConnected() }
    }

    /// OnCall's `create_engine_url(path, override_base=api)`.
    func url(_ path: String) -> String { api + "/" + path }

    /// `requests.get(url, headers={"Authorization": token})`; `token` nil sends no header.
    func get(_ path: String, token: String? = OnCallRelayHarness.token) async throws -> HTTPResult {
        try await http("GET", url(path), headers: token.map { ["Authorization": $0] } ?? [:])
    }

    /// `requests.post(url, headers={"Authorization": token}, data=form)`.
    func post(_ path: String, form: [(String, String)], token: String? = OnCallRelayHarness.token) async throws -> HTTPResult {
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        if let token { headers["Authorization"] = token }
        return try await http("POST", url(path), body: Data(Self.urlencode(form).utf8), headers: headers)
    }

    /// Python's `urllib.parse.urlencode` (`quote_plus`: unreserved kept, space as `+`, the rest %XX).
    static func urlencode(_ form: [(String, String)]) -> String {
        form.map { "\(quotePlus($0.0))=\(quotePlus($0.1))" }.joined(separator: "&")
    }

    static func quotePlus(_ s: String) -> String { PercentEncoding.unreserved(s).replacingOccurrences(of: "%20", with: "+") }

    /// The notifications on `channel`'s queue (taken off it), with their message ids; waits for `count`.
    func takeNotifications(_ channel: Channel, count: Int) async throws -> [(notification: AlertNotification, messageID: String?)] {
        try await waitFor("the gateway's publisher to connect") { publisher.isConnected }
        let conn = try TestEnvironment.broker()
        defer { conn.close() }
        let queue = Topology(namespace: namespace).notifyQueue(channel)
        let got = try await TestEnvironment.waitForMessages(conn, queue, count: count, seconds: count == 0 ? 0.5 : 15)
        return try got.map { (try JSONDecoder().decode(AlertNotification.self, from: Data($0.body)), $0.messageID) }
    }

    /// Stops the gateway; with `clean`, deletes the namespace's queues and keys.
    func finish(clean: Bool = true) async {
        gateway.stop()
        await publisher.shutdown()
        if clean, let redis, case .array(let items)? = try? await redis.command(["KEYS", "\(namespace):*"]) {
            for k in items { if let s = k.string { _ = try? await redis.command(["DEL", s]) } }
        }
        redis?.close()
        if clean { TestEnvironment.removeTopology(config) }
    }
}
