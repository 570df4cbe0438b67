import AlertCore
import Foundation
import Notify
import Testing

@Suite("Chat pieces: size cuts, signatures, answer codes")
struct ChatUnitTests {
    @Test(arguments: [10, 37, 50, 100, 301, 4096])
    func cutNeverSplitsACharacterAndFits(limit: Int) {
        let text = String(repeating: "数据库 CPU 🔥👩‍👩‍👧 é ", count: 200)
        let cut = TextLimit.cut(text, maxBytes: limit)
        #expect(cut.utf8.count <= limit)
        #expect(String(validating: Array(cut.utf8), as: UTF8.self) != nil)
        if limit >= 40 {
            #expect(cut.contains("… and ") && cut.hasSuffix(" more characters"))
            let kept = cut.components(separatedBy: "\n… and ")[0]
            #expect(text.hasPrefix(kept), "the kept part is whole characters of the original")
            let n = Int(cut.components(separatedBy: "… and ")[1].split(separator: " ")[0])
            #expect(n == text.count - kept.count)
        }
        #expect(TextLimit.cut("short", maxBytes: limit) == (limit >= 5 ? "short" : TextLimit.cut("short", maxBytes: limit)))
    }

    @Test func composerMentionsWhatTheRouterResolvedAndFallsBackToTheRobotForVersionOne() {
        let composer = ChatComposer(platform: RobotPlatforms.platform(.dingtalk), templates: MessageTemplates())
        let robot = RobotConfig(
            name: "ops", platform: .dingtalk, webhook: "http://127.0.0.1:1/x", mentionMobiles: ["13800138000"],
            atAllSeverities: ["critical"])
        var resolved = Fixtures.notification(id: "v2", title: "t")
        resolved.mentions = ["13900139000"]
        resolved.atAll = false
        let m2 = composer.compose([resolved], robot: robot).message
        #expect(m2.mentionMobiles == ["13900139000"] && !m2.atAll, "the router's answer wins over the robot's config")
        var v1 = Fixtures.notification(id: "v1", title: "t")
        v1.alert.severity = "critical"
        let m1 = composer.compose([v1], robot: robot).message
        #expect(m1.mentionMobiles == ["13800138000"] && m1.atAll, "a version 1 notification mentions the robot's own list")
        v1.alert.status = .resolved
        #expect(!composer.compose([v1], robot: robot).message.mentions, "a resolved alert wakes nobody up")
    }

    @Test func signaturesMatchIndependentlyComputedValues() {
        // python3: base64(hmac.new(b"SECabc", b"1700000000000\nSECabc", sha256).digest())
        #expect(RobotSignature.dingTalk(secret: "SECabc", timestampMillis: 1_700_000_000_000) == "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM=")
        // python3: base64(hmac.new(b"1700000000\nabc", b"", sha256).digest())
        #expect(RobotSignature.feishu(secret: "abc", timestampSeconds: 1_700_000_000) == "VIS10b0EBvzzSdFnuk4tznEmK5wHaruvf/WnViv2yR4=")
        #expect(RobotSignature.queryEncode("a+b/c=") == "a%2Bb%2Fc%3D")
    }

    struct Answer: Sendable, CustomTestStringConvertible {
        var channel: Channel
        var status: Int
        var body: String
        var kind: DeliveryError.Kind?
        var reason: DeliveryError.Reason?
        var testDescription: String { "\(channel.rawValue) \(status) \(body)" }
    }

    static let answers: [Answer] = [
        Answer(channel: .dingtalk, status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#, kind: nil, reason: nil),
        Answer(channel: .dingtalk, status: 200, body: #"{"errcode":130101,"errmsg":"send too fast"}"#, kind: .transient, reason: .rateLimited),
        Answer(
            channel: .dingtalk, status: 200, body: #"{"errcode":310000,"errmsg":"keywords not in content"}"#, kind: .permanent, reason: .authError),
        Answer(channel: .dingtalk, status: 200, body: #"{"errcode":-1,"errmsg":"system busy"}"#, kind: .transient, reason: .serverError),
        Answer(channel: .dingtalk, status: 200, body: #"{"errcode":40035,"errmsg":"bad"}"#, kind: .permanent, reason: .vendorCode),
        Answer(channel: .wecom, status: 200, body: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#, kind: .transient, reason: .rateLimited),
        Answer(channel: .wecom, status: 200, body: #"{"errcode":93000,"errmsg":"invalid webhook url"}"#, kind: .permanent, reason: .authError),
        Answer(channel: .feishu, status: 200, body: #"{"code":0,"msg":"success"}"#, kind: nil, reason: nil),
        Answer(channel: .feishu, status: 200, body: #"{"StatusCode":0,"StatusMessage":"success"}"#, kind: nil, reason: nil),
        Answer(channel: .feishu, status: 200, body: #"{"code":11232,"msg":"frequency limited"}"#, kind: .transient, reason: .rateLimited),
        Answer(channel: .feishu, status: 200, body: #"{"code":19021,"msg":"sign match fail"}"#, kind: .permanent, reason: .authError),
        Answer(channel: .feishu, status: 200, body: #"{"code":9499,"msg":"Bad Request"}"#, kind: .permanent, reason: .vendorCode),
        Answer(channel: .wecom, status: 502, body: "<html>bad gateway</html>", kind: .transient, reason: .serverError),
        Answer(channel: .wecom, status: 429, body: "", kind: .transient, reason: .rateLimited),
        Answer(channel: .dingtalk, status: 404, body: "", kind: .permanent, reason: .clientError),
        Answer(channel: .dingtalk, status: 200, body: "<html>proxy</html>", kind: .transient, reason: .unparseable),
    ]

    @Test(arguments: answers)
    func answerCodes(_ a: Answer) {
        let e = RobotPlatforms.platform(a.channel).judge(status: a.status, body: Data(a.body.utf8), robot: "r")
        #expect(e?.kind == a.kind && e?.reason == a.reason, "got \(String(describing: e))")
    }

    @Test func everyDefaultTemplateCompilesAndRendersWithoutEscaping() {
        let templates = MessageTemplates(timeZones: ["prod-am": "Asia/Shanghai"])
        var n = Fixtures.notification(title: "Disk < 5% & \"hot\"", suppressedRepeats: 3)
        for channel in Channel.chat {
            n.channel = channel.rawValue
            for part in TemplatePart.parts(of: channel) where part != .digest {
                let text = templates.render(n, channel: channel, part: part, set: nil)
                #expect(text.contains("Disk < 5% & \"hot\""), "\(channel).\(part): \(text)")
            }
            let body = templates.render(n, channel: channel, part: .text, set: nil)
            #expect(body.contains("2026-01-02 16:30:12 CST") && body.contains("Repeated 3 times"), "\(channel): \(body)")
            let digest = templates.renderDigest([n, n], more: 0, channel: channel, set: nil)
            #expect(digest.contains("2 alerts firing"), "\(digest)")
        }
    }

    /// The headline's icon follows the report, not only the alert: an escalator's resolution or
    /// acknowledgement of a firing alert, and a shift announcement, are not fires.
    @Test(
        arguments: [
            (nil, "🔥"), ("page", "🔥"), ("resolved", "✅"), ("acknowledged", "👀"), ("handover", "📅"), ("shift_start", "📅"),
        ] as [(String?, String)])
    func theIconFollowsTheReport(kind: String?, icon: String) {
        var n = Fixtures.notification(title: "Disk full", suppressedRepeats: 0)
        n.channel = Channel.dingtalk.rawValue
        n.incident = kind.map { IncidentNote(id: "i", kind: $0, text: "t") }
        let title = MessageTemplates().render(n, channel: .dingtalk, part: .title, set: nil)
        #expect(title.hasPrefix(icon + " "), "\(title)")
    }
}
