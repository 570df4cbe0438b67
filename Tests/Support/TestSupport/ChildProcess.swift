import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A process a test starts: a Klaxon executable, a sink script, a private server. Output goes
/// to a log file (kept for diagnosis); the process is SIGKILLed and reaped at the latest when
/// this object goes away, so no child outlives a run.
public final class ChildProcess: @unchecked Sendable {
    // Why @unchecked: Foundation's Process is not Sendable; only its thread-safe parts are used
    // (run once in init, isRunning, processIdentifier, waitUntilExit).
    /// The executable's file name, for messages.
    public let name: String
    /// Where stdout and stderr go.
    public let logURL: URL
    private let process = Process()

    /// Starts `executable` with `arguments`, the test's environment plus `environment`.
    /// Throws a `TestFailure` saying why when it cannot be run.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        logDir: URL = TestEnvironment.logDirectory
    ) throws {
        name = URL(fileURLWithPath: executable).lastPathComponent
        logURL = logDir.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        do { try process.run() } catch {
            throw TestFailure("cannot run \(executable) (\(error)); scripts/install-deps.sh installs what the tests need")
        }
    }

    deinit { kill() }

    /// Everything it wrote so far (stdout and stderr interleaved).
    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }
    /// Its exit status (or the signal that ended it); only meaningful once it stopped.
    public var terminationStatus: Int32 { process.terminationStatus }
    /// Whether a signal ended it.
    public var wasKilledBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Sends `sig` to it (our own child: we know its pid).
    public func signal(_ sig: Int32) { Glibc.kill(process.processIdentifier, sig) }

    /// Waits for exit (bounded, without blocking a cooperative thread) and returns the status;
    /// SIGKILLs it when `seconds` pass first.
    @discardableResult
    public func wait(seconds: Double = 30) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill() }
        return process.terminationStatus
    }

    /// SIGTERM, then `wait`: a graceful stop that a Klaxon process answers by draining. (A child
    /// started from a dispatch thread may inherit a blocked SIGTERM; `wait` then SIGKILLs.)
    public func stop(seconds: Double = 30) async {
        if process.isRunning { signal(SIGTERM) }
        await wait(seconds: seconds)
    }

    /// SIGKILL and reap, synchronously: for `defer` blocks (a `Task` started there may never run
    /// before the test process exits) and for sinks, which need no graceful stop.
    public func kill() {
        guard process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }

    /// Waits until a line of the log contains `text` and returns that line; throws with the
    /// log when it exits or `seconds` pass first.
    @discardableResult
    public func waitForLog(_ text: String, seconds: Double = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if let line = log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
        throw TestFailure("\(name) never logged \"\(text)\" (running: \(process.isRunning)); its log:\n\(log)")
    }

    /// Waits for the line `<prefix>HOST:PORT` a server prints once it listens; returns PORT.
    public func waitForListeningPort(prefix: String, seconds: Double = 15) async throws -> Int {
        let line = try await waitForLog(prefix, seconds: seconds)
        guard let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw TestFailure("cannot read \(name)'s port from \"\(line)\"")
        }
        return port
    }
}
