import Foundation

/// At most `messages` requests to one robot in any sliding window of `windowMillis`.
/// Written `20/1m` in the config.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var messages: Int
    public var windowMillis: Int64

    public init(messages: Int, windowMillis: Int64) {
        self.messages = messages
        self.windowMillis = windowMillis
    }

    /// Parses `20/1m`, `5/1s`, `100/60s`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)), n >= 1,
            let ms = parseDurationMillis(parts[1].trimmingCharacters(in: .whitespaces)), ms >= 100
        else { return nil }
        messages = n
        windowMillis = ms
    }

    public var description: String { "\(messages)/\(formatDurationMillis(windowMillis))" }

    /// The platforms' documented limits (shared/protocols.md B1-B3).
    public static func platformDefault(_ channel: Channel) -> [RateLimit] {
        switch channel {
        case .feishu: [RateLimit(messages: 100, windowMillis: 60_000), RateLimit(messages: 5, windowMillis: 1000)]
        default: [RateLimit(messages: 20, windowMillis: 60_000)]
        }
    }
}

/// One chat robot from `chat.robots`: where to post, how to sign, whom to mention.
public struct RobotConfig: Sendable, Equatable {
    public var name: String
    public var platform: Channel
    /// The full webhook URL with its token (a secret: never logged).
    public var webhook: String
    /// Signing secret (DingTalk `SEC…`, Feishu); `nil`: requests are not signed.
    public var secret: String?
    /// Phone numbers to @mention on every firing alert this robot posts.
    public var mentionMobiles: [String]
    /// Severities for which the robot mentions everyone.
    public var atAllSeverities: [String]
    /// Template set for this robot (a route's `template` wins).
    public var template: String?
    /// The budget shared by every replica; empty: `chat.budgets.<platform>`.
    public var budget: [RateLimit]
    /// Longest message text in UTF-8 bytes; `nil`: the platform's limit.
    public var maxBytes: Int?

    public init(
        name: String, platform: Channel, webhook: String, secret: String? = nil, mentionMobiles: [String] = [],
        atAllSeverities: [String] = [], template: String? = nil, budget: [RateLimit] = [], maxBytes: Int? = nil
    ) {
        self.name = name
        self.platform = platform
        self.webhook = webhook
        self.secret = secret
        self.mentionMobiles = mentionMobiles
        self.atAllSeverities = atAllSeverities
        self.template = template
        self.budget = budget
        self.maxBytes = maxBytes
    }
}

/// `chat:` the robots of `klaxon-chat` and how it paces them.
public struct ChatConfig: Sendable {
    public var robots: [RobotConfig]
    /// Default budget per platform (a robot's `budget` wins).
    public var budgets: [Channel: [RateLimit]]
    /// For one robot request.
    public var timeoutMillis: Int64
    /// Notifications one worker holds (unacked) while robots' budgets are spent; they merge
    /// into digests. Also the worker's consume concurrency.
    public var maxPending: Int
    /// Threads (and keep-alive connections) for HTTP requests.
    public var httpThreads: Int

    public init(
        robots: [RobotConfig] = [], budgets: [Channel: [RateLimit]] = [:], timeoutMillis: Int64 = 10_000,
        maxPending: Int = 200, httpThreads: Int = 4
    ) {
        self.robots = robots
        self.budgets = budgets
        self.timeoutMillis = timeoutMillis
        self.maxPending = maxPending
        self.httpThreads = httpThreads
    }

    public func robot(named name: String) -> RobotConfig? { robots.first { $0.name == name } }

    /// The robot's budget: its own, else the platform's configured default, else the documented one.
    public func budget(of robot: RobotConfig) -> [RateLimit] {
        if !robot.budget.isEmpty { return robot.budget }
        return budgets[robot.platform] ?? RateLimit.platformDefault(robot.platform)
    }
}
