import AlertCore
import Foundation

/// Feishu / Lark custom bot (shared/protocols.md B3): a `text` message; when the bot has a
/// secret, `timestamp` (seconds) and `sign` go in the JSON body. Feishu cannot mention by phone
/// number, so mentioned mobiles are written as plain `@138…` text; everyone is mentioned with
/// `<at user_id="all">`.
public struct FeishuRobot: RobotPlatform {
    public init() {}
    public var channel: Channel { .feishu }
    /// The body may be 20 KB; the JSON frame and escaping need room too.
    public var maxTextBytes: Int { 16_000 }

    public func mentionSuffix(mobiles: [String], atAll: Bool) -> String {
        var parts: [String] = atAll ? ["<at user_id=\"all\">所有人</at>"] : []
        parts += mobiles.map { "@\($0)" }
        return parts.isEmpty ? "" : "\n" + parts.joined(separator: " ")
    }

    public func requests(for m: ChatMessage, robot: RobotConfig, now: Date) -> [RobotRequest] {
        var body: [String: Any] = [
            "msg_type": "text",
            "content": ["text": m.text + mentionSuffix(mobiles: m.mentionMobiles, atAll: m.atAll)],
        ]
        if let secret = robot.secret {
            let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
            body["timestamp"] = String(seconds)
            body["sign"] = RobotSignature.feishu(secret: secret, timestampSeconds: seconds)
        }
        return [RobotRequest(url: robot.webhook, body: Self.json(body))]
    }

    public func judge(status: Int, body: Data, robot: String) -> DeliveryError? {
        RobotAnswer.judge(
            status: status, body: body, robot: robot, platform: "Feishu", codes: RobotAnswer.feishu,
            codeKeys: ["code", "StatusCode"], messageKeys: ["msg", "StatusMessage"])
    }
}
