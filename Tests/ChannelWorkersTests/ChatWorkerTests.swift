import AMQP
import AlertCore
import Foundation
import Redis
import Testing
import WorkerKit
import YAMLConfig
@testable import ChannelWorkers
import TestSupport

/// klaxon-chat's worker in-process against real RabbitMQ and Redis (fresh namespace) and the fake
/// robots. Fails, never skips, when a server is unreachable.
@Suite(.serialized) struct ChatWorkerTests {
    static let window = 3.0

    func config(_ namespace: String, sink: ChatSink, maxBytes: Int = 800) throws -> KlaxonConfig {
        try ConfigLoader.parse(
            TestEnvironment.configYAML(
                namespace: namespace,
                extra: """
                    chat:
                      max_pending: 200
                      robots:
                        - name: ops
                          platform: dingtalk
                          webhook_env: DT_URL
                          secret_env: DT_SECRET
                          mention_mobiles: ["13800138000"]
                          budget: [20/\(Int(Self.window))s]
                          max_bytes: \(maxBytes)
                    """), environment: ["TEST_TOKEN": TestEnvironment.token, "DT_URL": sink.dingTalkURL, "DT_SECRET": ChatSink.dingTalkSecret])
    }

    func notification(_ i: Int, namespace: String) -> AlertNotification {
        let alert = Alert(
            id: "a\(i)", source: "alertmanager", integration: "test-am", status: .firing, fingerprint: "fp\(i)",
            title: "Burst alert #\(i)#", message: "", severity: "critical", labels: ["n": "\(i)"], annotations: [:],
            startsAt: "2026-01-01T00:00:00Z", endsAt: nil, receivedAt: "2026-01-01T00:00:00Z", links: [])
        return AlertNotification(id: "\(namespace)-n\(i)", channel: "dingtalk", recipients: ["ops"], route: "default", alert: alert)
    }

    func start(_ config: KlaxonConfig) async throws -> RunningWorker {
        let worker = try RunningWorker(config: config) { _, logger, metrics in
            let redis = SharedRedis(config.redis)
            return ChatWorker.definition(
                channel: .dingtalk, config: config, redis: redis,
                parts: ChatWorker.parts(channel: .dingtalk, config: config, redis: redis, logger: logger),
                logger: logger, metrics: metrics)
        }
        try await worker.waitUntilConsuming()
        return worker
    }

    func bodies(_ requests: [[String: Any]]) -> [String] {
        requests.compactMap { (($0["body"] as? [String: Any])?["markdown"] as? [String: Any])?["text"] as? String }
    }

    @Test func burstOf200StaysWithinTheBudgetAndEveryAlertArrives() async throws {
        let conn = try TestEnvironment.broker()
        let redis = try TestEnvironment.redis()
        // The fake enforces the same limit (with 0.1 s of slack for network jitter) and answers 130101 beyond it.
        let sink = try await ChatSink.start(["--limit", "20/\(Self.window - 0.1)"])
        let ns = TestEnvironment.namespace()
        let config = try config(ns, sink: sink)
        defer { TestEnvironment.removeTopology(config); conn.close() }
        let worker = try await start(config)
        let t = Topology(namespace: ns)
        try await publish(
            worker.publisher, (0..<200).map { Codec.encode(notification($0, namespace: ns)) }, to: t.notifyQueue(.dingtalk), namespace: t.exchange)

        let deadline = Date().addingTimeInterval(60)
        var delivered = 0
        while Date() < deadline {
            delivered = try (0..<200).filter { try redis.command(["EXISTS", RedisKeys.delivered(ns, "\(ns)-n\($0)")]).integer == 1 }.count
            if delivered == 200 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        await worker.stop()
        let requests = try await sink.requests()
        sink.stop()
        #expect(delivered == 200, "every notification recorded delivered once")
        #expect(
            requests.allSatisfy { $0["verdict"] as? String == "ok" }, "\(requests.filter { $0["verdict"] as? String != "ok" }.map { $0["verdict"]! })"
        )
        let times = requests.compactMap { $0["time"] as? Double }.sorted()
        var worst = 0
        for (i, start) in times.enumerated() { worst = max(worst, times[i...].prefix { $0 < start + Self.window - 0.1 }.count) }
        #expect(worst <= 20, "at most 20 requests per \(Self.window) s window, saw \(worst)")
        #expect(requests.count < 200, "a burst must merge into digests; \(requests.count) requests")
        let text = bodies(requests).joined(separator: "\n")
        let missing = (0..<200).filter { !text.contains("Burst alert #\($0)#") }
        #expect(missing.isEmpty, "alerts missing from what arrived: \(missing)")
        #expect(bodies(requests).allSatisfy { $0.utf8.count <= 800 + 40 }, "digests stay within max_bytes (plus the mention line)")
        #expect(try TestEnvironment.drain(conn, t.deadLetterQueue(of: t.notifyQueue(.dingtalk))).isEmpty)
        _ = try? redis.command(["DEL", RedisKeys.chatBudget(ns, .dingtalk, "ops")])
        for i in 0..<200 { _ = try? redis.command(["DEL", RedisKeys.delivered(ns, "\(ns)-n\(i)")]) }
    }

    @Test func permanentErrorDeadLettersWithThePlatformsMessageAndRateLimitRetriesWhenTheWindowReopens() async throws {
        let conn = try TestEnvironment.broker()
        let redis = try TestEnvironment.redis()
        let sink = try await ChatSink.start()
        let ns = TestEnvironment.namespace()
        let config = try config(ns, sink: sink)
        defer { TestEnvironment.removeTopology(config); conn.close() }
        let worker = try await start(config)
        let t = Topology(namespace: ns)

        try await sink.script("dingtalk", [["errcode": 310000, "errmsg": "keywords not in content"]])
        try await publish(worker.publisher, [Codec.encode(notification(1, namespace: ns))], to: t.notifyQueue(.dingtalk), namespace: t.exchange)
        let dead = try await TestEnvironment.waitForMessages(conn, t.deadLetterQueue(of: t.notifyQueue(.dingtalk)), count: 1)
        #expect(dead.count == 1)
        let reason = dead.first?.headers[Topology.Header.deadLetterReason]?.description ?? ""
        #expect(reason.contains("keywords not in content") && reason.contains("permanent"), "reason: \(reason)")
        #expect(!reason.contains("dt-token"), "no token in the reason")

        try await sink.script("dingtalk", [["errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"]])
        try await publish(worker.publisher, [Codec.encode(notification(2, namespace: ns))], to: t.notifyQueue(.dingtalk), namespace: t.exchange)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try redis.command(["EXISTS", RedisKeys.delivered(ns, "\(ns)-n2")]).integer != 1 {
            try await Task.sleep(for: .milliseconds(100))
        }
        await worker.stop()
        let requests = try await sink.requests()
        sink.stop()
        #expect(try redis.command(["EXISTS", RedisKeys.delivered(ns, "\(ns)-n2")]).integer == 1, "retried and delivered")
        #expect(try redis.command(["EXISTS", RedisKeys.delivered(ns, "\(ns)-n1")]).integer == 0)
        let verdicts = requests.map { ($0["verdict"] as? String) ?? "" }
        #expect(verdicts.count == 3 && verdicts[1].contains("130101") && verdicts[2] == "ok", "\(verdicts)")
        if verdicts.count == 3, let limited = requests[1]["time"] as? Double, let ok = requests[2]["time"] as? Double {
            #expect(ok - limited >= Self.window - 0.2, "the retry waited for the window to reopen (\(ok - limited) s)")
        }
        _ = try? redis.command(["DEL", RedisKeys.chatBudget(ns, .dingtalk, "ops"), RedisKeys.delivered(ns, "\(ns)-n2")])
    }
}
