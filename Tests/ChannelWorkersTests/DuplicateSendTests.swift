import AMQP
import AlertCore
import Foundation
import Notify
import Redis
import Testing
import WorkerKit
import YAMLConfig
@testable import ChannelWorkers
import TestSupport

/// Many copies of one notification id (a router re-routing after a broker restart does this)
/// reach one worker, or two replicas, at the same instant: exactly one page goes out. Each copy
/// claims the id in Redis atomically; the old "already delivered?" check followed by a record
/// after the send let several copies through before the first was recorded.
@Suite(.serialized) struct DuplicateSendTests {
    static let copies = 24

    func config(_ ns: String, smtpPort: Int = 1, chat: ChatSink? = nil) throws -> KlaxonConfig {
        try ConfigLoader.parse(
            TestEnvironment.configYAML(
                namespace: ns,
                extra: """
                    email:
                      host: 127.0.0.1
                      port: \(smtpPort)
                      from: Klaxon <klaxon@example.com>
                      concurrency: 8
                    chat:
                      max_pending: 64
                      robots:
                        - name: ops
                          platform: dingtalk
                          webhook_env: DT_URL
                          secret_env: DT_SECRET
                    """
            ).replacingOccurrences(of: "retry_delays: [200ms, 400ms]", with: "retry_delays: [200ms, 400ms, 800ms, 1600ms]"),
            environment: [
                "TEST_TOKEN": TestEnvironment.token, "DT_URL": chat?.dingTalkURL ?? "http://127.0.0.1:1/",
                "DT_SECRET": ChatSink.dingTalkSecret,
            ])
    }

    func notification(_ ns: String, channel: Channel, recipient: String) -> AlertNotification {
        let alert = Alert(
            id: "a-\(ns)", source: "alertmanager", integration: "test-am", status: .firing, fingerprint: "fp-dup",
            title: "Copies of one page #\(ns)#", message: "", severity: "critical", labels: [:], annotations: [:],
            startsAt: "2026-01-01T00:00:00Z", endsAt: nil, receivedAt: Timestamps.format(Date()), links: [])
        return AlertNotification(id: "\(ns)-dup", channel: channel.rawValue, recipients: [recipient], route: "default", alert: alert)
    }

    func emailWorker(_ config: KlaxonConfig) async throws -> RunningWorker {
        let w = try RunningWorker(config: config) { _, logger, metrics in
            let notifier = try EmailNotifier(config: config.email)
            return ChannelWorker.definition(
                channel: .email, config: config, redis: SharedRedis(config.redis), concurrency: config.email.concurrency,
                logger: logger, metrics: metrics, deliver: ChannelWorker.deliver(with: notifier))
        }
        try await w.waitUntilConsuming()
        return w
    }

    func chatWorker(_ config: KlaxonConfig) async throws -> RunningWorker {
        let w = try RunningWorker(config: config) { _, logger, metrics in
            let redis = SharedRedis(config.redis)
            return ChatWorker.definition(
                channel: .dingtalk, config: config, redis: redis,
                parts: ChatWorker.parts(channel: .dingtalk, config: config, redis: redis, logger: logger),
                logger: logger, metrics: metrics)
        }
        try await w.waitUntilConsuming()
        return w
    }

    /// Waits until every copy was settled: one delivered, the rest skipped as duplicates.
    func settled(_ workers: [RunningWorker], channel: Channel) async throws {
        let deadline = Date().addingTimeInterval(60)  // copies held elsewhere retry through delay queues; a loaded run is slow
        func total(_ name: String) -> Double { workers.reduce(0) { $0 + $1.metrics.value(name, ["channel": channel.rawValue]) } }
        while Date() < deadline {
            if total("klaxon_notifications_total") + total("klaxon_notifications_duplicate_total") >= Double(Self.copies) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record(
            "copies not all settled: \(total("klaxon_notifications_total")) delivered, \(total("klaxon_notifications_duplicate_total")) skipped")
    }

    func cleanUp(_ redis: RedisClient, _ ns: String, _ id: String) {
        _ = try? redis.command(["DEL", RedisKeys.delivered(ns, id), RedisKeys.deliveryClaim(ns, id), RedisKeys.chatBudget(ns, .dingtalk, "ops")])
    }

    @Test(arguments: [1, 2]) func copiesOfOneEmailSendOneMail(replicas: Int) async throws {
        let redis = try TestEnvironment.redis()
        let sink = try await MailSink.start()
        let ns = TestEnvironment.namespace()
        let config = try config(ns, smtpPort: sink.port)
        defer { TestEnvironment.removeTopology(config) }
        var workers: [RunningWorker] = []
        for _ in 0..<replicas { workers.append(try await emailWorker(config)) }
        let n = notification(ns, channel: .email, recipient: "oncall@example.com")
        let t = Topology(namespace: ns)
        try await publish(
            workers[0].publisher, Array(repeating: Codec.encode(n), count: Self.copies), to: t.notifyQueue(.email), namespace: t.exchange)

        try await settled(workers, channel: .email)
        try await Task.sleep(for: .milliseconds(300))  // a second send, if any, would land now
        for w in workers { await w.stop() }
        let mails = sink.messages()
        sink.stop()
        #expect(mails.count == 1, "\(Self.copies) copies over \(replicas) replica(s) sent \(mails.count) e-mails")
        #expect(workers.reduce(0) { $0 + $1.metrics.value("klaxon_notifications_total", ["channel": "email"]) } == 1)
        cleanUp(redis, ns, n.id)
    }

    @Test(arguments: [1, 2]) func copiesOfOneRobotMessageSendOneMessage(replicas: Int) async throws {
        let redis = try TestEnvironment.redis()
        let sink = try await ChatSink.start()
        let ns = TestEnvironment.namespace()
        let config = try config(ns, chat: sink)
        defer { TestEnvironment.removeTopology(config) }
        var workers: [RunningWorker] = []
        for _ in 0..<replicas { workers.append(try await chatWorker(config)) }
        let n = notification(ns, channel: .dingtalk, recipient: "ops")
        let t = Topology(namespace: ns)
        try await publish(
            workers[0].publisher, Array(repeating: Codec.encode(n), count: Self.copies), to: t.notifyQueue(.dingtalk), namespace: t.exchange)

        try await settled(workers, channel: .dingtalk)
        try await Task.sleep(for: .milliseconds(300))
        for w in workers { await w.stop() }
        let requests = try await sink.requests()
        sink.stop()
        let texts = requests.compactMap { (($0["body"] as? [String: Any])?["markdown"] as? [String: Any])?["text"] as? String }
        let pages = texts.map { $0.components(separatedBy: "Copies of one page #\(ns)#").count - 1 }.reduce(0, +)
        #expect(requests.count == 1, "\(Self.copies) copies over \(replicas) replica(s) sent \(requests.count) robot messages")
        #expect(pages == 1, "the alert appeared \(pages) times in what the robot received")
        cleanUp(redis, ns, n.id)
    }
}
