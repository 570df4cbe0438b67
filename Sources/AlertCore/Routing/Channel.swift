/// The notification channels. Each has its own queue (`notify.<channel>`) and worker.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case email
    /// DingTalk custom group robot (`klaxon-chat --channel dingtalk`).
    case dingtalk
    /// WeCom (WeChat Work) group robot (`klaxon-chat --channel wecom`).
    case wecom
    /// Feishu / Lark custom bot (`klaxon-chat --channel feishu`).
    case feishu
    /// Phone call through a provider chain (`klaxon-voice --channel voice`); recipients are
    /// E.164 numbers.
    case voice
    /// Text message through a provider chain (`klaxon-voice --channel sms`); recipients are
    /// E.164 numbers.
    case sms

    /// The chat-robot channels: their recipients are robot names from `chat.robots`.
    public static let chat: [Channel] = [.dingtalk, .wecom, .feishu]

    /// `true` for a chat-robot channel (not every channel that is not e-mail: voice and SMS
    /// reach people, not robots).
    public var isChat: Bool { Channel.chat.contains(self) }

    /// The phone channels (`klaxon-voice`): their recipients are E.164 numbers.
    public static let phone: [Channel] = [.voice, .sms]

    /// `true` for voice and SMS.
    public var isPhone: Bool { Channel.phone.contains(self) }
}
