import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// scripts/sinks/chat_sink.py as a child process for the chat worker tests.
struct ChatSinkProcess {
    let process: FleetProcess
    let port: Int
    static let dingTalkSecret = "SEC0123456789abcdef-integration"

    /// Starts the sink; fails (never skips) with the sink's log when it does not come up.
    static func start(_ extra: [String] = []) async throws -> ChatSinkProcess {
        let script = TestEnvironment.root.appendingPathComponent("scripts/sinks/chat_sink.py").path
        let p = try FleetProcess("/usr/bin/python3", [script, "--dingtalk-secret", dingTalkSecret] + extra,
                                 logDir: FileManager.default.temporaryDirectory)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let line = p.log.split(separator: "\n").first(where: { $0.hasPrefix("chat_sink: listening on ") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                return ChatSinkProcess(process: p, port: port)
            }
            if !p.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        await p.stop()
        throw TestEnvironment.Unreachable(description: "chat_sink did not start: \(p.log)")
    }

    /// SIGKILL: a child of the test process may inherit a blocked SIGTERM.
    func stop() async {
        process.signal(SIGKILL)
        await process.wait(seconds: 5)
    }

    var dingTalkURL: String { "http://127.0.0.1:\(port)/robot/send?access_token=dt-token" }

    func requests() async throws -> [[String: Any]] {
        let r = try await http("GET", "http://127.0.0.1:\(port)/_requests")
        return (try JSONSerialization.jsonObject(with: r.body) as? [[String: Any]]) ?? []
    }

    func script(_ platform: String, _ answers: [[String: Any]]) async throws {
        _ = try await http("POST", "http://127.0.0.1:\(port)/_script",
                           body: try JSONSerialization.data(withJSONObject: ["platform": platform, "answers": answers]))
    }
}
