import AlertCore
import Foundation

/// What differs between robot platforms: how a message becomes requests, how the answer is read.
/// One conforming type per platform (`DingTalkRobot`, `WeComRobot`, `FeishuRobot`).
public protocol RobotPlatform: Sendable {
    var channel: Channel { get }
    /// Largest message text, in UTF-8 bytes, the platform accepts.
    var maxTextBytes: Int { get }
    /// What the platform appends to the text for the mentions (counted against the size limit).
    func mentionSuffix(mobiles: [String], atAll: Bool) -> String
    /// The requests that deliver `message`: the first carries the page. `now` signs them.
    func requests(for message: ChatMessage, robot: RobotConfig, now: Date) -> [RobotRequest]
    /// `nil` when the robot accepted; otherwise why not (see `RobotAnswer`).
    func judge(status: Int, body: Data, robot: String) -> DeliveryError?
}

extension RobotPlatform {
    /// JSON for a request body: UTF-8, slashes unescaped, keys sorted (stable for tests).
    static func json(_ object: [String: Any]) -> [UInt8] {
        // Our own dictionaries of strings, numbers, booleans and arrays: serialization cannot fail.
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}

/// Builds the platform for a chat channel.
public enum RobotPlatforms {
    public static func platform(_ channel: Channel) -> any RobotPlatform {
        switch channel {
        case .dingtalk: DingTalkRobot()
        case .wecom: WeComRobot()
        case .feishu: FeishuRobot()
        case .email, .voice, .sms: preconditionFailure("\(channel.rawValue) is not a chat channel")
        }
    }
}
