/// The notification channels. Each has its own queue (`notify.<channel>`) and worker.
public enum Channel: String, Codable, Sendable, CaseIterable {
    case email
    /// DingTalk custom group robot (`klaxon-chat --channel dingtalk`).
    case dingtalk
    /// WeCom (WeChat Work) group robot (`klaxon-chat --channel wecom`).
    case wecom
    /// Feishu / Lark custom bot (`klaxon-chat --channel feishu`).
    case feishu

    /// The chat-robot channels: their recipients are robot names from `chat.robots`.
    public static let chat: [Channel] = [.dingtalk, .wecom, .feishu]

    /// `true` for a chat-robot channel (not every channel that is not e-mail: voice and SMS
    /// reach people, not robots).
    public var isChat: Bool { Channel.chat.contains(self) }
}
