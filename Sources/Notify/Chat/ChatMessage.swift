/// One robot message, rendered and cut to size, before a platform shapes it into JSON.
/// It carries one notification or a digest of several.
public struct ChatMessage: Sendable, Equatable {
    /// DingTalk's markdown title (what the phone's notification shows); unused elsewhere.
    public var title: String
    /// The body, within the robot's byte limit once the platform adds the mentions.
    public var text: String
    /// Phone numbers to @mention (firing alerts only).
    public var mentionMobiles: [String]
    /// Mention everyone (a firing alert with a configured severity).
    public var atAll: Bool
    /// The notifications this message delivers, in order.
    public var notificationIDs: [String]

    public init(title: String, text: String, mentionMobiles: [String] = [], atAll: Bool = false, notificationIDs: [String] = []) {
        self.title = title
        self.text = text
        self.mentionMobiles = mentionMobiles
        self.atAll = atAll
        self.notificationIDs = notificationIDs
    }

    /// Whether anybody is mentioned.
    public var mentions: Bool { atAll || !mentionMobiles.isEmpty }
}

/// One HTTP request to a robot.
public struct RobotRequest: Sendable {
    /// The URL with its token (and DingTalk's signature): a secret, never logged.
    public var url: String
    public var body: [UInt8]
    /// `true` for the request that carries the page; `false` for a follow-up (WeCom's mention).
    public var isPage: Bool

    public init(url: String, body: [UInt8], isPage: Bool = true) {
        self.url = url
        self.body = body
        self.isPage = isPage
    }
}
