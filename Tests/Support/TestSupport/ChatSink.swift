import Foundation

/// The project's fake chat robots (`scripts/sinks/chat_sink.py`) on 127.0.0.1 and a free port:
/// DingTalk, WeCom and Feishu webhooks that check signatures and shapes and record requests.
public final class ChatSink: Sendable {
    /// The DingTalk robot's `access_token`.
    public static let dingTalkToken = "dt-token"
    /// The DingTalk robot's signing secret.
    public static let dingTalkSecret = "SEC0123456789abcdef-test-secret"
    /// The Feishu robot's signing secret.
    public static let feishuSecret = "feishu-test-secret-42"

    /// The port it listens on.
    public let port: Int
    /// The sink's process.
    public let process: ChildProcess

    /// Starts the sink; `extra` adds options (`--limit N/S`, `--dingtalk-keyword K`…).
    /// Fails (never skips) with the sink's log when it does not come up.
    public static func start(_ extra: [String] = []) async throws -> ChatSink {
        let script = TestEnvironment.root.appendingPathComponent("scripts/sinks/chat_sink.py").path
        let process = try ChildProcess(
            TestEnvironment.python,
            [
                script, "--dingtalk-token", dingTalkToken, "--dingtalk-secret", dingTalkSecret,
                "--feishu-secret", feishuSecret,
            ] + extra)
        return ChatSink(port: try await process.waitForListeningPort(prefix: "chat_sink: listening on "), process: process)
    }

    private init(port: Int, process: ChildProcess) {
        self.port = port
        self.process = process
    }

    /// `http://127.0.0.1:PORT`.
    public var base: String { "http://127.0.0.1:\(port)" }
    /// The DingTalk robot's webhook.
    public var dingTalkURL: String { "\(base)/robot/send?access_token=\(Self.dingTalkToken)" }
    /// The WeCom robot's webhook.
    public var weComURL: String { "\(base)/cgi-bin/webhook/send?key=wecom-key" }
    /// The Feishu robot's webhook.
    public var feishuURL: String { "\(base)/open-apis/bot/v2/hook/feishu-hook" }

    /// Every request the sink received, in order, with its verdict ("ok" when it passed every check).
    public func requests() async throws -> [[String: Any]] {
        let r = try await http("GET", "\(base)/_requests")
        return (try JSONSerialization.jsonObject(with: r.body) as? [[String: Any]]) ?? []
    }

    /// Queues answers for the next requests of `platform` ("dingtalk", "wecom", "feishu").
    public func script(_ platform: String, _ answers: [[String: Any]]) async throws {
        _ = try await http(
            "POST", "\(base)/_script",
            body: try JSONSerialization.data(withJSONObject: ["platform": platform, "answers": answers]))
    }

    /// Stops the sink (SIGKILL: it keeps nothing worth a graceful stop).
    public func stop() { process.kill() }
}
