import AMQP
import AlertCore
import ChannelWorkers
import Foundation
import Notify
import OnCallRuntime
import Redis
import RouterWorker
import TestSupport
import Testing
import WorkerKit
import YAMLConfig

/// An alert routed to a schedule reaches whoever is on call at that instant, by e-mail (the real
/// SMTP sink) and by a DingTalk robot message that @mentions them (the fake robot checks the
/// signature and that every atMobiles entry appears in the text); after a run-time override in
/// Redis, the next alert reaches the override. Router, e-mail and chat workers in-process
/// against the real RabbitMQ and Redis.
@Suite(.serialized) struct OnCallRoutingEndToEndTests {
    func config(_ ns: String, smtpPort: Int, chat: ChatSink) throws -> KlaxonConfig {
        try ConfigLoader.parse(
            TestEnvironment.configYAML(
                namespace: ns,
                extra: """
                    email:
                      host: 127.0.0.1
                      port: \(smtpPort)
                      from: Klaxon <klaxon@example.com>
                    chat:
                      robots:
                        - {name: ops, platform: dingtalk, webhook_env: DT_URL, secret_env: DT_SECRET}
                    people:
                      - id: alice
                        name: Alice
                        email: alice@example.com
                        phone: "+8613800138000"
                        dingtalk: {robot: ops}
                        contact_rules:
                          default: [email]
                      - id: bob
                        name: Bob
                        email: bob@example.com
                        dingtalk: {robot: ops, mobile: "13900139000"}
                        contact_rules:
                          default: [email]
                    schedules:
                      - name: db
                        time_zone: Asia/Shanghai
                        layers:
                          - rotation: {people: [alice], start: 2026-01-01, handoff: "09:00", every: 1d}
                    router:
                      default:
                        notify:
                          schedules: [db]
                          dingtalk: [ops]
                        fallback:
                          email: [fallback@example.com]
                    """), environment: ["TEST_TOKEN": TestEnvironment.token, "DT_URL": chat.dingTalkURL, "DT_SECRET": ChatSink.dingTalkSecret])
    }

    func alert(_ title: String) -> Alert {
        Alert(
            id: UUID().uuidString, source: "alertmanager", integration: "test-am", status: .firing, fingerprint: "fp-\(title)",
            title: title, message: "", severity: "critical", labels: ["team": "db"], annotations: [:], startsAt: "2026-01-01T00:00:00Z",
            endsAt: nil, receivedAt: Timestamps.format(Date()), links: [])
    }

    @Test func anAlertReachesWhoeverIsOnCallAndAfterAnOverrideTheOverride() async throws {
        let redis = try TestEnvironment.redis()
        let mail = try await MailSink.start()
        let chat = try await ChatSink.start()
        let ns = TestEnvironment.namespace()
        let config = try config(ns, smtpPort: mail.port, chat: chat)
        defer { TestEnvironment.removeTopology(config) }

        let shared = SharedRedis(config.redis)
        let store = OverrideStore(redis: shared, namespace: ns)
        let logger = Logger(process: "test", minimum: .error)
        let roster = RosterCache(config: config, store: store, logger: logger, metrics: Metrics())
        #expect(!roster.isComplete, "the run-time overrides are not read yet")
        await roster.refresh()
        #expect(roster.isComplete)
        let router = try RunningWorker(config: config) { p, logger, m in
            RouterWorker.definition(config: config, publisher: p, logger: logger, metrics: m, roster: { roster.roster })
        }
        let email = try RunningWorker(config: config) { _, logger, m in
            ChannelWorker.definition(
                channel: .email, config: config, redis: SharedRedis(config.redis), concurrency: 2, logger: logger,
                metrics: m, deliver: ChannelWorker.deliver(with: try EmailNotifier(config: config.email)))
        }
        let robot = try RunningWorker(config: config) { _, logger, m in
            let r = SharedRedis(config.redis)
            return ChatWorker.definition(
                channel: .dingtalk, config: config, redis: r,
                parts: ChatWorker.parts(channel: .dingtalk, config: config, redis: r, logger: logger), logger: logger, metrics: m)
        }
        for w in [router, email, robot] { try await w.waitUntilConsuming() }
        let t = Topology(namespace: ns)

        // Alice is on call: her e-mail rule, and the ops robot @mentions her (phone without +86).
        try await publish(router.publisher, [Codec.encode(alert("First page"))], to: t.routeQueue, namespace: t.exchange)
        let first = try await mail.waitForMessages(1)
        #expect(first.count == 1 && first.allSatisfy { to($0) == "alice@example.com" }, "\(first.map(to))")
        let firstRobot = try await robotMessages(chat, count: 1)
        #expect(firstRobot.first?.mobiles == ["13800138000"] && firstRobot.first?.text.contains("@13800138000") == true, "\(firstRobot)")

        // Bob covers Alice for the next hour, stored in Redis as klaxonctl does.
        try await store.add(
            StoredOverride(
                id: "ov-test", schedule: "db", person: "bob", covering: "alice", from: Date().addingTimeInterval(-60),
                to: Date().addingTimeInterval(3600), createdBy: "test", createdAt: Date()))
        await roster.refresh()
        try await publish(router.publisher, [Codec.encode(alert("Second page"))], to: t.routeQueue, namespace: t.exchange)
        let both = try await mail.waitForMessages(2)
        #expect(both.count == 2)
        #expect(both.last.map(to) == "bob@example.com", "\(both.map(to))")
        let robotNow = try await robotMessages(chat, count: 2)
        #expect(robotNow.last?.mobiles == ["13900139000"], "\(robotNow)")
        #expect(robotNow.allSatisfy { $0.verdict == "ok" })

        for w in [router, email, robot] { await w.stop() }
        mail.stop()
        chat.stop()
        _ = try? await store.remove(id: "ov-test")
        _ = try? redis.command(["DEL", RedisKeys.oncallOverrides(ns), RedisKeys.oncallVersion(ns)])
    }

    func to(_ mail: String) -> String { ((try? ParsedMail(mail))?.header("To")) ?? "" }

    /// The robot requests the fake received: the @mentioned mobiles, the text, the verdict.
    func robotMessages(_ chat: ChatSink, count: Int) async throws -> [(mobiles: [String], text: String, verdict: String)] {
        let deadline = Date().addingTimeInterval(20)
        var out: [(mobiles: [String], text: String, verdict: String)] = []
        while Date() < deadline {
            out = try await chat.requests().map { r in
                let body = r["body"] as? [String: Any] ?? [:]
                let mobiles = (body["at"] as? [String: Any])?["atMobiles"] as? [String] ?? []
                let text = (body["markdown"] as? [String: Any])?["text"] as? String ?? ""
                return (mobiles, text, r["verdict"] as? String ?? "")
            }
            if out.count >= count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return out
    }
}
