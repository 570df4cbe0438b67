import AlertCore
import Foundation
internal import CCurl

/// Sends RFC 5322 messages through libcurl's SMTP: plain (`smtp://`), STARTTLS (`smtp://` with
/// TLS required before AUTH and MAIL) or implicit TLS (`smtps://`), with AUTH when a username is
/// configured. One client owns one `CurlHandle`, so the connection to the relay is kept open
/// between messages; give each thread its own client.
public final class SMTPClient: Sendable {
    /// Where and how to connect. `password` is only handed to libcurl, never put in an error.
    public struct Configuration: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var security: EmailConfig.Security
        public var username: String?
        public var password: String?
        public var timeoutMillis: Int64
        /// Verify the server certificate and host name (turn off only for a test server).
        public var verifyTLS: Bool
        /// Name sent with EHLO; `nil` means this machine's host name.
        public var heloName: String?

        public init(
            host: String, port: Int, security: EmailConfig.Security, username: String? = nil,
            password: String? = nil, timeoutMillis: Int64 = 30_000, verifyTLS: Bool = true, heloName: String? = nil
        ) {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.password = password
            self.timeoutMillis = timeoutMillis
            self.verifyTLS = verifyTLS
            self.heloName = heloName
        }

        /// The SMTP part of the `email:` config.
        public init(_ email: EmailConfig) {
            self.init(
                host: email.host, port: email.port, security: email.security, username: email.username,
                password: email.password, timeoutMillis: email.timeoutMillis, verifyTLS: email.verifyTLS)
        }

        /// `host:port` as shown in errors.
        var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public let configuration: Configuration
    private let handle: CurlHandle

    public init(configuration: Configuration, handle: CurlHandle = CurlHandle()) {
        self.configuration = configuration
        self.handle = handle
    }

    /// Sends one message (blocking; run it on a `BlockingExecutor` thread).
    ///
    /// - Parameters:
    ///   - from: envelope sender address (`MAIL FROM`), bare (`a@example.com`).
    ///   - recipients: envelope recipients (`RCPT TO`), bare addresses. All or nothing: if the
    ///     server refuses one of them, nothing is sent and the refusal is thrown.
    ///   - message: the complete message (headers, blank line, body) with CRLF line ends.
    ///     libcurl adds the dot-stuffing and the final `CRLF.CRLF`.
    /// - Throws: `DeliveryError`, the only error:
    ///   - transient `.network`: cannot connect, connection lost, TLS handshake or certificate
    ///     failure; transient `.timeout`: no answer within `timeoutMillis`;
    ///   - transient `.serverError` / `.authError` / `.rateLimited`: the server answered 4xx
    ///     (421, 450, 451, 452; 454 for AUTH);
    ///   - permanent `.authError`: login refused (530, 534, 535, 538) or no usable AUTH mechanism;
    ///   - permanent `.clientError`: any other 5xx (550 unknown mailbox, 552, 554), no STARTTLS
    ///     offered, a bad host;
    ///   - permanent `.invalidPayload`: an empty recipient list or an address with line breaks,
    ///     or credentials configured with `security: none` (AUTH in clear is refused).
    public func send(from: String, recipients: [String], message: [UInt8]) throws(DeliveryError) {
        let c = configuration
        try validate(from: from, recipients: recipients)
        let recipientList = CurlStringList(recipients.map { "<\($0)>" })
        let source = CurlUploadSource(message)
        let transcript = SMTPTranscript()
        try handle.withTransfer(timeoutMillis: c.timeoutMillis) { (t: CurlTransfer) throws(DeliveryError) in
            let scheme = c.security == .tls ? "smtps" : "smtp"
            let host = c.host.contains(":") ? "[\(c.host)]" : c.host
            // The URL path is the name libcurl sends with EHLO.
            t.set(CURLOPT_URL, "\(scheme)://\(host):\(c.port)/\(c.heloName ?? SMTPClient.localName)")
            if c.security == .starttls {
                // ALL: fail unless STARTTLS succeeds, so AUTH and the message never go in clear.
                t.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
            }
            if !c.verifyTLS {
                t.set(CURLOPT_SSL_VERIFYPEER, 0)
                t.set(CURLOPT_SSL_VERIFYHOST, 0)
            }
            if let user = c.username {
                t.set(CURLOPT_USERNAME, user)
                t.set(CURLOPT_PASSWORD, c.password ?? "")
            }
            t.set(CURLOPT_MAIL_FROM, "<\(from)>")
            t.set(CURLOPT_MAIL_RCPT, list: recipientList)
            t.set(CURLOPT_UPLOAD, 1)
            t.set(CURLOPT_READFUNCTION, io: CurlUploadSource.read)
            t.set(CURLOPT_READDATA, pointer: source.opaque)
            // Lets the server refuse an oversized message at MAIL FROM (SIZE=) instead of after DATA.
            t.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(source.count))
            // VERBOSE only feeds the debug callback (nothing is printed): it shows us the
            // server's reply text and the command it answered, for a useful error.
            t.set(CURLOPT_VERBOSE, 1)
            t.set(CURLOPT_DEBUGFUNCTION, debug: SMTPTranscript.callback)
            t.set(CURLOPT_DEBUGDATA, pointer: transcript.opaque)

            // Why withExtendedLifetime: libcurl holds raw pointers to the recipient slist, the
            // upload source and the transcript until perform returns; nothing else references them.
            let code = withExtendedLifetime((recipientList, source, transcript)) { t.perform() }
            guard code != CURLE_OK else { return }
            let failure = SMTPFailure(
                curlCode: code.rawValue, smtpCode: t.responseCode, curlText: t.errorText(code),
                command: transcript.refusal?.command ?? transcript.lastCommand,
                reply: transcript.refusal?.reply ?? transcript.lastReply,
                server: c.server, username: c.username, timeoutMillis: c.timeoutMillis)
            throw failure.deliveryError(redacting: c.password, username: c.username)
        }
    }

    private func validate(from: String, recipients: [String]) throws(DeliveryError) {
        if recipients.isEmpty { throw .permanent(.invalidPayload, "no recipients for the e-mail") }
        for address in [from] + recipients where !SMTPClient.isPlausible(address) {
            throw .permanent(.invalidPayload, "not a usable e-mail address: \"\(address.prefix(100))\"")
        }
        if configuration.security == .none && (configuration.username != nil || configuration.password != nil) {
            throw .permanent(
                .invalidPayload,
                "refusing SMTP AUTH in clear to \(configuration.server): set email.security to starttls or tls")
        }
    }

    /// An address we can put in `MAIL FROM:<…>`/`RCPT TO:<…>`: one `@`, no spaces, brackets or
    /// line breaks (which would let a value inject SMTP commands).
    /// (The forbidden characters are ASCII, so checking the UTF-8 bytes is exact; a CharacterSet
    /// built per address was a share of every send.)
    static func isPlausible(_ address: String) -> Bool {
        address.contains("@") && address.utf8.count <= 320
            && !address.utf8.contains { b in b == 0x3C || b == 0x3E || b == 0x0D || b == 0x0A || b == 0x00 || b == 0x20 || b == 0x09 }
    }

    private static let localName: String = {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains("/") ? "localhost" : name
    }()
}
