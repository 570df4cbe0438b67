import AlertCore
import Foundation
import Notify
import Testing
import TestSupport

/// ChatSender and ChatComposer against the fake robots (scripts/sinks/chat_sink.py), which
/// recompute signatures as the platforms do and check body shape, mentions and sizes.
@Suite("Chat robots against the fake platforms")
struct ChatRobotTests {
    static func notification(
        _ id: String = "c-1", channel: Channel, robot: String, title: String = "High CPU on db-1",
        message: String = "CPU above 90% for 10m", severity: String = "critical"
    ) -> AlertNotification {
        var n = Fixtures.notification(id: id, title: title)
        n.channel = channel.rawValue
        n.recipients = [robot]
        n.alert.message = message
        n.alert.severity = severity
        return n
    }

    func deliver(_ n: [AlertNotification], robot: RobotConfig, now: @escaping @Sendable () -> Date = { Date() }) async throws(DeliveryError)
        -> ChatMessage
    {
        let platform = RobotPlatforms.platform(robot.platform)
        let composer = ChatComposer(platform: platform, templates: MessageTemplates(timeZones: ["prod-am": "Asia/Shanghai"]))
        let sender = ChatSender(platform: platform, threads: 1, timeoutMillis: 5000, now: now)
        let (message, _) = composer.compose(n, robot: robot)
        _ = try await sender.send(sender.requests(for: message, robot: robot), robot: robot)
        return message
    }

    func failure(_ body: () async throws -> Void) async -> DeliveryError? {
        do { try await body() } catch let e as DeliveryError { return e } catch {
            Issue.record("expected a DeliveryError, got \(error)")
            return nil
        }
        Issue.record("expected a DeliveryError")
        return nil
    }

    @Test func dingTalkSignedMarkdownWithMentions() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        let robot = RobotConfig(
            name: "ops", platform: .dingtalk, webhook: sink.dingTalkURL, secret: ChatSink.dingTalkSecret,
            mentionMobiles: ["13800138000"], atAllSeverities: ["critical"])
        _ = try await deliver([Self.notification(channel: .dingtalk, robot: "ops")], robot: robot)
        let r = try #require(try await sink.requests().first)
        #expect(r["verdict"] as? String == "ok", "\(r)")
        let body = try #require(r["body"] as? [String: Any])
        let md = try #require(body["markdown"] as? [String: String])
        #expect(md["text"]?.contains("@13800138000") == true)
        #expect(md["text"]?.contains("2026-01-02 16:30:12 CST") == true, "start time in the integration's zone: \(md)")
        #expect(md["title"]?.contains("High CPU on db-1") == true)
        let at = try #require(body["at"] as? [String: Any])
        #expect(at["atMobiles"] as? [String] == ["13800138000"])
        #expect(at["isAtAll"] as? Bool == true)
    }

    @Test func dingTalkBadSignatureAndStaleTimestampArePermanentWithThePlatformsMessage() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        let wrong = RobotConfig(name: "ops", platform: .dingtalk, webhook: sink.dingTalkURL, secret: "SECnot-the-secret")
        let e1 = await failure { _ = try await deliver([Self.notification(channel: .dingtalk, robot: "ops")], robot: wrong) }
        #expect(e1?.kind == .permanent && e1?.reason == .authError)
        #expect(e1?.detail.contains("sign not match") == true, "\(String(describing: e1))")
        #expect(e1?.detail.contains("dt-token") == false, "the token must not leak")
        let right = RobotConfig(name: "ops", platform: .dingtalk, webhook: sink.dingTalkURL, secret: ChatSink.dingTalkSecret)
        let e2 = await failure {
            _ = try await deliver([Self.notification(channel: .dingtalk, robot: "ops")], robot: right, now: { Date().addingTimeInterval(-7200) })
        }
        #expect(e2?.kind == .permanent && e2?.detail.contains("invalid timestamp") == true, "\(String(describing: e2))")
    }

    @Test func rateLimitCodesAreTransientForEveryPlatform() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        try await sink.script("dingtalk", [["errcode": 130101, "errmsg": "send too fast"]])
        try await sink.script("wecom", [["errcode": 45009, "errmsg": "api freq out of limit"]])
        try await sink.script("feishu", [["code": 11232, "msg": "frequency limited"]])
        let robots = [
            RobotConfig(name: "d", platform: .dingtalk, webhook: sink.dingTalkURL, secret: ChatSink.dingTalkSecret),
            RobotConfig(name: "w", platform: .wecom, webhook: sink.weComURL),
            RobotConfig(name: "f", platform: .feishu, webhook: sink.feishuURL, secret: ChatSink.feishuSecret),
        ]
        for robot in robots {
            let e = await failure { _ = try await deliver([Self.notification(channel: robot.platform, robot: robot.name)], robot: robot) }
            #expect(e?.kind == .transient && e?.reason == .rateLimited, "\(robot.platform): \(String(describing: e))")
            _ = try await deliver([Self.notification(channel: robot.platform, robot: robot.name)], robot: robot)  // the window reopened
        }
        try await sink.script("wecom", [["errcode": 93000, "errmsg": "invalid webhook url"]])
        let e = await failure { _ = try await deliver([Self.notification(channel: .wecom, robot: "w")], robot: robots[1]) }
        #expect(e?.kind == .permanent && e?.detail.contains("invalid webhook url") == true)
        try await sink.script("feishu", [["code": 19024, "msg": "Key Words Not Found"]])
        let f = await failure { _ = try await deliver([Self.notification(channel: .feishu, robot: "f")], robot: robots[2]) }
        #expect(f?.kind == .permanent && f?.detail.contains("Key Words Not Found") == true)
    }

    @Test func weComMarkdownThenTextMention() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        let robot = RobotConfig(name: "w", platform: .wecom, webhook: sink.weComURL, mentionMobiles: ["13900139000"])
        _ = try await deliver([Self.notification(channel: .wecom, robot: "w")], robot: robot)
        let rs = try await sink.requests()
        #expect(rs.count == 2 && rs.allSatisfy { $0["verdict"] as? String == "ok" }, "\(rs)")
        let first = try #require(rs.first?["body"] as? [String: Any]), second = try #require(rs.last?["body"] as? [String: Any])
        #expect(first["msgtype"] as? String == "markdown")
        #expect(second["msgtype"] as? String == "text")
        #expect((second["text"] as? [String: Any])?["mentioned_mobile_list"] as? [String] == ["13900139000"])
    }

    @Test func feishuSignedTextAndWrongSecretRejected() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        let robot = RobotConfig(name: "f", platform: .feishu, webhook: sink.feishuURL, secret: ChatSink.feishuSecret, atAllSeverities: ["critical"])
        _ = try await deliver([Self.notification(channel: .feishu, robot: "f")], robot: robot)
        let r = try #require(try await sink.requests().first)
        #expect(r["verdict"] as? String == "ok", "\(r)")
        let text = ((r["body"] as? [String: Any])?["content"] as? [String: Any])?["text"] as? String
        #expect(text?.contains("<at user_id=\"all\">") == true)
        var bad = robot
        bad.secret = "another"
        let e = await failure { _ = try await deliver([Self.notification(channel: .feishu, robot: "f")], robot: bad) }
        #expect(e?.kind == .permanent && e?.detail.contains("sign match fail") == true)
    }

    @Test func oversizedAlertsAreCutToThePlatformsLimit() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        let huge = String(repeating: "磁盘告警 диск 🔥 ", count: 2000)  // ~44 KB of multi-byte text
        for robot in [
            RobotConfig(name: "w", platform: .wecom, webhook: sink.weComURL),
            RobotConfig(name: "d", platform: .dingtalk, webhook: sink.dingTalkURL, secret: ChatSink.dingTalkSecret),
            RobotConfig(name: "f", platform: .feishu, webhook: sink.feishuURL, secret: ChatSink.feishuSecret),
        ] {
            let m = try await deliver([Self.notification(channel: robot.platform, robot: robot.name, message: huge)], robot: robot)
            #expect(m.text.contains("… and "), "\(robot.platform) text should say what was cut")
        }
        let rs = try await sink.requests()
        #expect(rs.count == 3 && rs.allSatisfy { $0["verdict"] as? String == "ok" }, "\(rs.map { $0["verdict"] ?? "" })")
    }

    @Test func digestHoldsEveryAlertThatFitsAndSaysHowManyFollow() throws {
        let platform = RobotPlatforms.platform(.wecom)
        let composer = ChatComposer(platform: platform, templates: MessageTemplates())
        let robot = RobotConfig(name: "w", platform: .wecom, webhook: "http://127.0.0.1:1/x")
        let ns = (0..<200).map { Self.notification("n\($0)", channel: .wecom, robot: "w", title: "Alert #\($0) on host-\($0)") }
        let (m, used) = composer.compose(ns, robot: robot)
        #expect(used > 1 && used < 200)
        #expect(m.text.utf8.count <= 4096)
        #expect(m.notificationIDs == ns.prefix(used).map(\.id))
        for i in 0..<used { #expect(m.text.contains("Alert #\(i) on host-\(i)")) }
        #expect(m.text.contains("… and \(200 - used) more in the next message"))
        #expect(m.text.hasPrefix("### 200 alerts firing"))
    }
}
