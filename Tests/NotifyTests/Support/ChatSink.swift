import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// scripts/sinks/chat_sink.py started for one test on 127.0.0.1 and a free port.
struct ChatSink {
    let child: ChildProcess
    let port: Int

    static let dingTalkSecret = "SEC0123456789abcdef-test-secret"
    static let feishuSecret = "feishu-test-secret-42"

    static func start(_ extra: [String] = []) async throws -> ChatSink {
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/sinks/chat_sink.py").path
        let child = ChildProcess(name: "chat_sink", executable: TestPaths.python,
                                 arguments: [script, "--dingtalk-secret", dingTalkSecret, "--feishu-secret", feishuSecret] + extra)
        return ChatSink(child: child, port: try await child.start(readyPrefix: "chat_sink: listening on "))
    }

    func stop() { child.stop() }

    var base: String { "http://127.0.0.1:\(port)" }
    var dingTalkURL: String { "\(base)/robot/send?access_token=dt-token" }
    var weComURL: String { "\(base)/cgi-bin/webhook/send?key=wecom-key" }
    var feishuURL: String { "\(base)/open-apis/bot/v2/hook/feishu-hook" }

    /// Every request the sink received, in order.
    func requests() async throws -> [[String: Any]] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "\(base)/_requests")!)
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    /// Queues answers for the next requests of a platform.
    func script(_ platform: String, _ answers: [[String: Any]]) async throws {
        var req = URLRequest(url: URL(string: "\(base)/_script")!)
        req.httpMethod = "POST"
        req.httpBody = try JSONSerialization.data(withJSONObject: ["platform": platform, "answers": answers])
        _ = try await URLSession.shared.data(for: req)
    }
}
