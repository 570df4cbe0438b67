import TimeKit
/// The stable id of a person, as written in the config (`people[].id`).
public struct PersonID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The id text.
    public let rawValue: String

    /// Wraps an id.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// `"alice"` in code and tests.
    public init(stringLiteral value: String) { rawValue = value }

    /// The id text.
    public var description: String { rawValue }

    /// Ids order by their text (code-point order, the same on every platform).
    public static func < (a: PersonID, b: PersonID) -> Bool { a.rawValue.unicodeScalars.lexicographicallyPrecedes(b.rawValue.unicodeScalars) }
}

/// How urgent a page is; each person has an ordered list of contact steps per urgency.
public enum Urgency: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ordinary pages (`contact_rules.default`).
    case `default`
    /// Pages marked important (`contact_rules.important`); when a person has no important steps,
    /// their default steps are used.
    case important
}

/// One step of a person's contact rules: reach them on `channel` once `delaySeconds` have passed
/// since their notification cycle began.
public struct ContactStep: Sendable, Hashable, Codable {
    /// The channel name: one of `Person.channels` ("email", "sms", "voice", "dingtalk", "wecom", "feishu").
    public let channel: String
    /// Seconds after the start of the person's notification cycle; 0 = at once.
    public let delaySeconds: Int

    /// A step on `channel` after `delaySeconds`.
    public init(_ channel: String, after delaySeconds: Int = 0) {
        self.channel = channel
        self.delaySeconds = delaySeconds
    }
}

/// Handles on chat platforms: where to message a person (a group robot of that platform, by
/// its `chat.robots` name) and how to @mention them there.
public struct ChatHandles: Sendable, Hashable, Codable {
    /// Mobile number registered with DingTalk (robots @mention by mobile).
    public var dingtalkMobile: String?
    /// Mobile number registered with WeCom.
    public var wecomMobile: String?
    /// Feishu/Lark user id (`ou_…` open id or user id).
    public var feishuUserID: String?
    /// The DingTalk robot a `dingtalk` contact step posts to.
    public var dingtalkRobot: String?
    /// The WeCom robot a `wecom` contact step posts to.
    public var wecomRobot: String?
    /// The Feishu robot a `feishu` contact step posts to.
    public var feishuRobot: String?

    /// Handles; all optional.
    public init(
        dingtalkMobile: String? = nil, wecomMobile: String? = nil, feishuUserID: String? = nil,
        dingtalkRobot: String? = nil, wecomRobot: String? = nil, feishuRobot: String? = nil
    ) {
        self.dingtalkMobile = dingtalkMobile
        self.wecomMobile = wecomMobile
        self.feishuUserID = feishuUserID
        self.dingtalkRobot = dingtalkRobot
        self.wecomRobot = wecomRobot
        self.feishuRobot = feishuRobot
    }
}

/// Someone who can be on call and be paged.
public struct Person: Sendable, Hashable, Codable {
    /// The channel names a contact step may use.
    public static let channels: Set<String> = ["email", "sms", "voice", "dingtalk", "wecom", "feishu"]

    /// Stable id, referenced by schedules and overrides.
    public var id: PersonID
    /// Display name.
    public var name: String
    /// E-mail address, if any.
    public var email: String?
    /// Phone number in E.164 form (`+8613800000000`), if any; voice and SMS need it.
    public var phone: String?
    /// Chat handles.
    public var chat: ChatHandles
    /// IANA time-zone identifier for the person's own messages (e.g. `Asia/Shanghai`).
    public var timeZone: String
    /// BCP 47 language tag for messages and voice (`zh-CN`, `ru-RU`, `en-US`).
    public var language: String
    /// Ordered contact steps per urgency.
    public var contactRules: [Urgency: [ContactStep]]

    /// A person; everything but id, name, zone and language is optional.
    public init(
        id: PersonID, name: String, email: String? = nil, phone: String? = nil, chat: ChatHandles = ChatHandles(),
        timeZone: String = "UTC", language: String = "en-US", contactRules: [Urgency: [ContactStep]] = [:]
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.chat = chat
        self.timeZone = timeZone
        self.language = language
        self.contactRules = contactRules
    }

    /// The steps for `urgency`: important pages fall back to the default steps when a person has
    /// no important ones.
    public func steps(for urgency: Urgency) -> [ContactStep] {
        if urgency == .important, let steps = contactRules[.important], !steps.isEmpty { return steps }
        return contactRules[.default] ?? []
    }

    /// Whether this person has what `channel` needs to reach them: voice and SMS a phone, e-mail
    /// an address, DingTalk and WeCom their mobile handle or a phone, Feishu a user id.
    /// Unknown channel names answer false.
    public func isReachable(on channel: String) -> Bool {
        switch channel {
        case "voice", "sms": return phone != nil
        case "email": return email != nil
        case "dingtalk": return chat.dingtalkRobot != nil && mention(on: channel) != nil
        case "wecom": return chat.wecomRobot != nil && mention(on: channel) != nil
        case "feishu": return chat.feishuRobot != nil && mention(on: channel) != nil
        default: return false
        }
    }

    /// How a robot message on `channel` @mentions this person: the platform's own handle, else
    /// (DingTalk, WeCom) the phone without a `+86` prefix (those platforms register local numbers).
    public func mention(on channel: String) -> String? {
        let local = phone.map { $0.hasPrefix("+86") ? String($0.dropFirst(3)) : $0 }
        switch channel {
        case "dingtalk": return chat.dingtalkMobile ?? local
        case "wecom": return chat.wecomMobile ?? local
        case "feishu": return chat.feishuUserID
        default: return nil
        }
    }

    /// The robot a contact step on `channel` posts to.
    public func robot(on channel: String) -> String? {
        switch channel {
        case "dingtalk": return chat.dingtalkRobot
        case "wecom": return chat.wecomRobot
        case "feishu": return chat.feishuRobot
        default: return nil
        }
    }
}
