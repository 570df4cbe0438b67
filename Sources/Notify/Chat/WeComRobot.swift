import AlertCore
import Foundation

/// WeCom group robot (shared/protocols.md B2): unsigned; the key is in the webhook URL.
///
/// The page is a markdown message (colours, links). Markdown cannot @mention by phone, so when
/// somebody is to be mentioned a second, short `text` message follows with
/// `mentioned_mobile_list` (and `@all` for everyone). Both count against the robot's budget.
/// The markdown message is the delivery: if only the mention fails, the page is not sent again.
public struct WeComRobot: RobotPlatform {
    public init() {}
    public var channel: Channel { .wecom }
    /// Markdown content is limited to 4096 bytes.
    public var maxTextBytes: Int { 4096 }
    /// Text content is limited to 2048 bytes.
    static let maxMentionBytes = 2048

    public func mentionSuffix(mobiles: [String], atAll: Bool) -> String { "" }

    public func requests(for m: ChatMessage, robot: RobotConfig, now: Date) -> [RobotRequest] {
        var out = [RobotRequest(url: robot.webhook, body: Self.json(["msgtype": "markdown", "markdown": ["content": m.text]]))]
        if m.mentions {
            let list = m.mentionMobiles + (m.atAll ? ["@all"] : [])
            let firstLine = m.text.split(separator: "\n").first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "#> ")) } ?? ""
            let content = TextLimit.prefix("🔔 " + firstLine, maxBytes: Self.maxMentionBytes)
            let body: [String: Any] = ["msgtype": "text", "text": ["content": content, "mentioned_mobile_list": list]]
            out.append(RobotRequest(url: robot.webhook, body: Self.json(body), isPage: false))
        }
        return out
    }

    public func judge(status: Int, body: Data, robot: String) -> DeliveryError? {
        RobotAnswer.judge(
            status: status, body: body, robot: robot, platform: "WeCom", codes: RobotAnswer.weCom,
            codeKeys: ["errcode"], messageKeys: ["errmsg"])
    }
}
