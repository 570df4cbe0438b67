import Foundation

/// The real aiosmtpd sink (`scripts/sinks/mail_sink.py`) on 127.0.0.1 and a free port, writing
/// into a fresh temporary directory. Starting fails the test, with the reason, if it cannot run.
final class MailSink: Sendable {
    /// One stored message: the .eml text and the sink's .json metadata.
    struct Received: Sendable, Decodable {
        var eml = ""
        var seq: Int
        var mailFrom: String?
        var rcptTos: [String]
        var peer: String?
        var tls: String
        var authUser: String?

        enum CodingKeys: String, CodingKey {
            case seq, peer, tls
            case mailFrom = "mail_from", rcptTos = "rcpt_tos", authUser = "auth_user"
        }
    }

    let dir: URL
    let port: Int
    private let child: ChildProcess

    /// `extra`: sink options such as `--starttls --cert F --key F`, `--auth u:p`, `--fail-rcpt a=550`.
    static func start(_ extra: [String] = []) async throws -> MailSink {
        let dir = try TestPaths.tempDir("mail")
        let script = TestPaths.repoRoot.appendingPathComponent("scripts/sinks/mail_sink.py").path
        guard FileManager.default.fileExists(atPath: script) else {
            throw ChildProcess.StartError(description: "mail sink script missing at \(script)")
        }
        let child = ChildProcess(name: "mail_sink", executable: TestPaths.python,
                                 arguments: [script, "--listen", "127.0.0.1:0", "--dir", dir.path] + extra)
        let port = try await child.start(readyPrefix: "mail_sink: listening on ")
        return MailSink(dir: dir, port: port, child: child)
    }

    private init(dir: URL, port: Int, child: ChildProcess) {
        self.dir = dir
        self.port = port
        self.child = child
    }

    /// Waits for message number `seq` (1-based): its .json is written after its .eml.
    func message(_ seq: Int, timeout: Duration = .seconds(10)) async throws -> Received {
        let name = String(format: "%06d", seq)
        let json = dir.appendingPathComponent("\(name).json")
        let deadline = ContinuousClock.now + timeout
        while !FileManager.default.fileExists(atPath: json.path) {
            if ContinuousClock.now > deadline {
                throw ChildProcess.StartError(description: "mail_sink stored no message \(seq) within \(timeout); "
                    + "files: \((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []); stderr: \(child.stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        var received = try JSONDecoder().decode(Received.self, from: Data(contentsOf: json))
        received.eml = try String(contentsOf: dir.appendingPathComponent("\(name).eml"), encoding: .utf8)
        return received
    }

    /// How many .eml files the sink has stored.
    var storedCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".eml") }.count
    }

    func stop() {
        child.stop()
        try? FileManager.default.removeItem(at: dir)
    }
}
