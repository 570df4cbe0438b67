import AlertCore
import Foundation

/// DingTalk custom group robot (shared/protocols.md B1): a markdown message, signed in the query
/// (`timestamp` in ms and `sign`) when the robot has a secret. A mention needs both an
/// `at.atMobiles` entry and `@<mobile>` in the text, so the text ends with the mentions.
public struct DingTalkRobot: RobotPlatform {
    public init() {}
    public var channel: Channel { .dingtalk }
    /// DingTalk documents no limit; 20,000 bytes is the commonly quoted one.
    public var maxTextBytes: Int { 20_000 }

    public func mentionSuffix(mobiles: [String], atAll: Bool) -> String {
        mobiles.isEmpty ? "" : "\n\n" + mobiles.map { "@\($0)" }.joined(separator: " ")
    }

    public func requests(for m: ChatMessage, robot: RobotConfig, now: Date) -> [RobotRequest] {
        var url = robot.webhook
        if let secret = robot.secret {
            let ms = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
            let sign = RobotSignature.dingTalk(secret: secret, timestampMillis: ms)
            url = RobotSignature.appendQuery(url, "timestamp=\(ms)&sign=\(RobotSignature.queryEncode(sign))")
        }
        let body: [String: Any] = [
            "msgtype": "markdown",
            "markdown": ["title": m.title.isEmpty ? "Klaxon" : m.title, "text": m.text + mentionSuffix(mobiles: m.mentionMobiles, atAll: m.atAll)],
            "at": ["atMobiles": m.mentionMobiles, "atUserIds": [String](), "isAtAll": m.atAll],
        ]
        return [RobotRequest(url: url, body: Self.json(body))]
    }

    public func judge(status: Int, body: Data, robot: String) -> DeliveryError? {
        RobotAnswer.judge(
            status: status, body: body, robot: robot, platform: "DingTalk", codes: RobotAnswer.dingTalk,
            codeKeys: ["errcode"], messageKeys: ["errmsg"])
    }
}
