import Foundation

/// The project's SMTP sink (`scripts/sinks/mail_sink.py`, aiosmtpd) on 127.0.0.1 and a free
/// port, storing each message in a fresh directory as `<seq>.eml` plus `<seq>.json`. Starting
/// fails the test, with the reason, if it cannot run.
public final class MailSink: Sendable {
    /// One stored message: the .eml text and the sink's .json metadata.
    public struct Received: Sendable, Decodable {
        /// The message as received (RFC 5322, CRLF line ends).
        public var eml = ""
        /// 1-based arrival number.
        public var seq: Int
        /// The envelope sender.
        public var mailFrom: String?
        /// The accepted envelope recipients.
        public var rcptTos: [String]
        /// The client's address.
        public var peer: String?
        /// "yes" when the session was encrypted.
        public var tls: String
        /// The authenticated user, if any.
        public var authUser: String?
        /// How many messages (this one included) the sink held in DATA at once when this one
        /// arrived: above 1 means sessions overlapped.
        public var concurrent: Int

        enum CodingKeys: String, CodingKey {
            case seq, peer, tls, concurrent
            case mailFrom = "mail_from", rcptTos = "rcpt_tos", authUser = "auth_user"
        }
    }

    /// The directory the sink stores into.
    public let dir: URL
    /// The port it listens on.
    public let port: Int
    /// The sink's process; its log has one `mail_sink: rcpt …` line per recipient offered.
    public let process: ChildProcess

    /// Starts a sink. `extra`: sink options such as `--starttls --cert F --key F`,
    /// `--auth u:p`, `--fail-rcpt a=550`, `--delay-rcpt S`, `--delay-data S`.
    public static func start(_ extra: [String] = []) async throws -> MailSink {
        let dir = try TestEnvironment.temporaryDirectory("mail")
        let script = TestEnvironment.root.appendingPathComponent("scripts/sinks/mail_sink.py").path
        guard FileManager.default.isExecutableFile(atPath: TestEnvironment.python) else {
            throw TestFailure("\(TestEnvironment.python) is missing: run scripts/install-deps.sh")
        }
        let process = try ChildProcess(TestEnvironment.python, [script, "--listen", "127.0.0.1:0", "--dir", dir.path] + extra)
        let port = try await process.waitForListeningPort(prefix: "mail_sink: listening on ")
        return MailSink(dir: dir, port: port, process: process)
    }

    private init(dir: URL, port: Int, process: ChildProcess) {
        self.dir = dir
        self.port = port
        self.process = process
    }

    /// Waits for message number `seq` (1-based): its .json is written after its .eml.
    public func message(_ seq: Int, timeout: Duration = .seconds(10)) async throws -> Received {
        let name = String(format: "%06d", seq)
        let json = dir.appendingPathComponent("\(name).json")
        let deadline = ContinuousClock.now + timeout
        while !FileManager.default.fileExists(atPath: json.path) {
            if ContinuousClock.now > deadline {
                throw TestFailure(
                    "mail_sink stored no message \(seq) within \(timeout); "
                        + "files: \((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []); log: \(process.log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        var received = try JSONDecoder().decode(Received.self, from: Data(contentsOf: json))
        received.eml = try String(contentsOf: dir.appendingPathComponent("\(name).eml"), encoding: .utf8)
        return received
    }

    /// How many messages the sink has stored completely (.json written).
    public var storedCount: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    /// The stored messages, oldest first, as raw RFC 5322 text.
    public func messages() -> [String] {
        (0..<storedCount).compactMap { i in
            try? String(contentsOf: dir.appendingPathComponent(String(format: "%06d.eml", i + 1)), encoding: .utf8)
        }
    }

    /// Waits until `count` messages are stored or `seconds` pass; returns what is stored.
    public func waitForMessages(_ count: Int, seconds: Double = 30) async throws -> [String] {
        _ = await eventually(seconds: seconds) { storedCount >= count }
        return messages()
    }

    /// Waits until a client offered `address` in RCPT TO (the sink logs it before any
    /// `--delay-rcpt` stall), i.e. a delivery of a message to it is under way.
    public func waitForRecipient(_ address: String, seconds: Double = 20) async throws {
        try await process.waitForLog("mail_sink: rcpt \(address)", seconds: seconds)
    }

    /// Stops the sink (SIGKILL: it writes each message atomically) and removes its directory.
    public func stop() {
        process.kill()
        try? FileManager.default.removeItem(at: dir)
    }
}
