import Foundation
import Synchronization
import Testing

/// A Klaxon executable (or helper script) run as a real child process, output to a log file.
final class FleetProcess: @unchecked Sendable {
    let name: String
    let process = Process()
    let logURL: URL

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], logDir: URL) throws {
        name = URL(fileURLWithPath: executable).lastPathComponent
        logURL = logDir.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// A built executable of this package (`swift build` puts them in .build/debug).
    static func binary(_ name: String) throws -> String {
        let path = TestEnvironment.root.appendingPathComponent(".build/debug/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestEnvironment.Unreachable(description: "\(path) is missing: run `swift build` before `swift test` (scripts/test.sh does)")
        }
        return path
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    func signal(_ sig: Int32) { Glibc.kill(process.processIdentifier, sig) }

    /// Waits for exit (bounded) and returns the status; SIGKILLs on timeout.
    @discardableResult
    func wait(seconds: Double = 30) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { signal(SIGKILL); process.waitUntilExit() }
        return process.terminationStatus
    }

    func stop() async {
        if process.isRunning { signal(SIGTERM) }
        await wait(seconds: 30)
    }

    /// Synchronous last resort for `defer` blocks (a `Task` started there may never run before
    /// the test process exits): SIGKILL if still running.
    func kill() {
        if process.isRunning { signal(SIGKILL) }
    }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let l = log
            if let line = l.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestEnvironment.Unreachable(description: "\(name) never logged \"\(text)\"; its log:\n\(log)")
    }
}

/// The project's SMTP sink (aiosmtpd), on a free port, writing each message to a directory.
final class MailSink: @unchecked Sendable {
    let process: FleetProcess
    let dir: URL
    let port: Int

    init(extra: [String] = [], logDir: URL) async throws {
        dir = logDir.appendingPathComponent("mail-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = TestEnvironment.root.appendingPathComponent("scripts/sinks/mail_sink.py").path
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw TestEnvironment.Unreachable(description: "/usr/bin/python3 is missing: run scripts/install-deps.sh")
        }
        process = try FleetProcess("/usr/bin/python3", [script, "--listen", "127.0.0.1:0", "--dir", dir.path] + extra, logDir: logDir)
        let line = try await process.waitForLog("listening on")
        guard let p = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw TestEnvironment.Unreachable(description: "cannot read the sink's port from \"\(line)\"")
        }
        port = p
    }

    /// The received messages, oldest first, as raw RFC 5322 text.
    func messages() -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".eml") }
            .sorted { (Int($0.split(separator: ".")[0]) ?? 0) < (Int($1.split(separator: ".")[0]) ?? 0) }
        return files.compactMap { try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
    }

    func waitForMessages(_ count: Int, seconds: Double = 30) async throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while messages().count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return messages()
    }

    func stop() async { await process.stop() }
    func kill() { process.kill() }
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`) in a header value, for assertions.
func decodeHeader(_ value: String) -> String {
    let unfolded = value
    let pattern = try! NSRegularExpression(pattern: #"=\?UTF-8\?([BQ])\?([^?]*)\?=\s*"#, options: [.caseInsensitive])
    var out = ""
    var last = unfolded.startIndex
    for m in pattern.matches(in: unfolded, range: NSRange(unfolded.startIndex..., in: unfolded)) {
        let r = Range(m.range, in: unfolded)!
        out += unfolded[last..<r.lowerBound]
        let kind = String(unfolded[Range(m.range(at: 1), in: unfolded)!]).uppercased()
        let text = String(unfolded[Range(m.range(at: 2), in: unfolded)!])
        if kind == "B", let d = Data(base64Encoded: text) { out += String(decoding: d, as: UTF8.self) } else {
            out += text.replacingOccurrences(of: "_", with: " ").removingPercentEncoding ?? text
        }
        last = r.upperBound
    }
    return out + unfolded[last...]
}

/// A header's value, unfolded (continuation lines joined with a space). `"\r\n"` is a single
/// Character in Swift, so lines are split with `isNewline`, which covers both endings.
func header(_ name: String, in message: String) -> String? {
    var value: String? = nil
    for line in message.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
        if line.isEmpty { break }
        if value != nil, line.first == " " || line.first == "\t" { value! += " " + line.trimmingCharacters(in: .whitespaces); continue }
        if value != nil { break }
        if line.lowercased().hasPrefix(name.lowercased() + ":") { value = String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }
    return value
}

/// A free TCP port on 127.0.0.1 (bound then released).
/// A port for a server that a test starts in another process. Chosen below the kernel's
/// ephemeral range: a port from that range (what binding port 0 gives) can be taken by any
/// outgoing connection of the tests running in parallel between this choice and the server's
/// own bind, and a router once failed to start on one ("port in use"). Never the same port twice
/// in one run.
func freePort() -> Int {
    let ephemeralStart = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
        .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } } ?? 32768
    let candidates = 10_000..<max(10_001, min(ephemeralStart, 32768))
    while true {
        let port = Int.random(in: candidates)
        let fresh = handedOutPorts.withLock { $0.insert(port).inserted }
        if fresh && canBind(port) { return port }
    }
}

private let handedOutPorts = Mutex<Set<Int>>([])

private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}

/// The project's fake chat robots (scripts/sinks/chat_sink.py), checking signatures and shapes.
final class ChatSink: @unchecked Sendable {
    let process: FleetProcess
    let port: Int
    static let dingtalkToken = "fleet-dingtalk-token"
    static let dingtalkSecret = "SECfleet0123456789"

    init(logDir: URL) async throws {
        let script = TestEnvironment.root.appendingPathComponent("scripts/sinks/chat_sink.py").path
        process = try FleetProcess("/usr/bin/python3", [script, "--port", "0", "--dingtalk-token", Self.dingtalkToken,
                                                        "--dingtalk-secret", Self.dingtalkSecret], logDir: logDir)
        let line = try await process.waitForLog("listening on")
        guard let p = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw TestEnvironment.Unreachable(description: "cannot read the chat sink's port from \"\(line)\"")
        }
        port = p
    }

    /// Environment for the processes: the robot's webhook and secret variables.
    var environment: [String: String] {
        ["FLEET_DINGTALK_WEBHOOK": "http://127.0.0.1:\(port)/robot/send?access_token=\(Self.dingtalkToken)",
         "FLEET_DINGTALK_SECRET": Self.dingtalkSecret]
    }

    /// Every request the fake received, with its verdict ("ok" when it passed every check).
    func requests() async throws -> [[String: Any]] {
        let r = try await http("GET", "http://127.0.0.1:\(port)/_requests")
        return (try JSONSerialization.jsonObject(with: r.body) as? [[String: Any]]) ?? []
    }

    func stop() async { await process.stop() }
    func kill() { process.kill() }
}
