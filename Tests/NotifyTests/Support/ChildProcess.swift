import Foundation
import Synchronization

/// A helper server started by a test (the SMTP sink, a tiny HTTP server): spawns it, collects
/// its output, waits for its "listening on HOST:PORT" line, and kills it at the end.
final class ChildProcess: @unchecked Sendable {
    // Why @unchecked: Foundation's Process is not Sendable; we only call its thread-safe parts
    // (run once, isRunning, terminate, waitUntilExit) and keep output behind Mutexes.
    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    private let process: Process
    /// Why a class around the Mutex: the pipe handlers capture it, and a Mutex cannot be captured.
    private final class Text: Sendable {
        let value = Mutex("")
        func append(_ d: Data) { value.withLock { $0 += String(decoding: d, as: UTF8.self) } }
        var current: String { value.withLock { $0 } }
    }
    private let stdoutText = Text()
    private let stderrText = Text()
    let name: String

    init(name: String, executable: String, arguments: [String]) {
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
    }

    /// Starts the process and waits (without blocking a cooperative thread) for a stdout line
    /// `<readyPrefix>HOST:PORT`; returns the port. Throws, saying why, if it exits or is silent.
    func start(readyPrefix: String, timeout: Duration = .seconds(15)) async throws -> Int {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [stdoutText] h in
            let d = h.availableData
            if d.isEmpty { h.readabilityHandler = nil; return }  // EOF: stop being called
            stdoutText.append(d)
        }
        err.fileHandleForReading.readabilityHandler = { [stderrText] h in
            let d = h.availableData
            if d.isEmpty { h.readabilityHandler = nil; return }  // EOF: stop being called
            stderrText.append(d)
        }
        do {
            try process.run()
        } catch {
            throw StartError(description: "\(name): cannot run \(process.executableURL!.path): \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = stdoutText.current
            for line in text.split(separator: "\n") where line.hasPrefix(readyPrefix) {
                if let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                    return port
                }
            }
            if !process.isRunning {
                throw StartError(description: "\(name) exited (status \(process.terminationStatus)) before it was ready; "
                    + "command: \(commandLine)\nstdout: \(text)\nstderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        stop()
        throw StartError(description: "\(name) printed no \"\(readyPrefix)…\" line within \(timeout); "
            + "command: \(commandLine)\nstderr: \(stderr)")
    }

    var stdout: String { stdoutText.current }
    var stderr: String { stderrText.current }
    private var commandLine: String { ([process.executableURL!.path] + (process.arguments ?? [])).joined(separator: " ") }

    /// SIGTERM, then SIGKILL after 2 s; reaps it (it is ours: we know its pid).
    /// Why SIGKILL too: Foundation's Process on Linux starts children with the spawning thread's
    /// signal mask, and dispatch threads block SIGTERM, so a child may never see it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Paths the tests need, found from this file's location.
enum TestPaths {
    /// The repository root (this file is Tests/NotifyTests/Support/ChildProcess.swift).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Debian's python, which has aiosmtpd (another python3 may be first on PATH).
    static let python = "/usr/bin/python3"

    /// A fresh temporary directory.
    static func tempDir(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
