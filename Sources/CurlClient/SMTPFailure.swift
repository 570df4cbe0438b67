import AlertCore
import Foundation
internal import CCurl

/// A failed SMTP transfer, as libcurl and the server reported it, turned into the one
/// `DeliveryError` it means. This is the only place SMTP failures are classified.
///
/// The server's last reply code wins when there is one (curl only says "RCPT failed" or
/// "Login denied"): 4xx means try again later, 5xx means it will not work. Without a 4xx/5xx
/// reply the curl result code decides (connect, timeout, TLS).
struct SMTPFailure {
    /// CURLcode's raw value (plain integer so the classification table is testable without C).
    var curlCode: UInt32
    /// CURLINFO_RESPONSE_CODE: the last SMTP reply code of this transfer, 0 if none.
    var smtpCode: Int
    var curlText: String
    var command: String?
    var reply: String?
    var server: String
    var username: String?
    var timeoutMillis: Int64

    func deliveryError(redacting password: String?, username: String?) -> DeliveryError {
        var e = classify()
        e.detail = SMTPFailure.redact(e.detail, password: password, username: username)
        return e
    }

    func classify() -> DeliveryError {
        if (400..<600).contains(smtpCode) { return classifyReply() }
        let text = "\(curlText) [curl \(curlCode)]"
        switch CURLcode(rawValue: curlCode) {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .transient(.network, "cannot connect to SMTP server \(server): \(text)")
        case CURLE_OPERATION_TIMEDOUT:
            return .transient(.timeout, "SMTP server \(server) did not finish within \(timeoutMillis) ms: \(text)")
        case CURLE_SSL_CONNECT_ERROR:
            return .transient(
                .network,
                "TLS handshake with SMTP server \(server) failed: \(text); "
                    + "check email.security (tls for port 465, starttls for 587)")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .transient(
                .network,
                "certificate of SMTP server \(server) not accepted: \(text); "
                    + "install its CA, or set email.verify_tls false for a test server only")
        case CURLE_USE_SSL_FAILED:
            return .permanent(
                .clientError,
                "SMTP server \(server) does not offer STARTTLS: \(text); "
                    + "use security tls for an implicit-TLS port (465) or fix the port")
        case CURLE_LOGIN_DENIED:
            return .permanent(
                .authError,
                "SMTP server \(server) refused the login\(userText): \(text); "
                    + "check the username/password or the AUTH mechanisms it offers")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .permanent(.clientError, "bad SMTP server address \(server): \(text)")
        default:
            return .transient(.network, "SMTP conversation with \(server) failed\(stepText): \(text)")
        }
    }

    private func classifyReply() -> DeliveryError {
        let said = replyText
        let detail = "SMTP server \(server) answered \(said)\(stepText)"
        switch smtpCode {
        case 454:
            return .transient(.authError, "\(detail); temporary authentication failure")
        case 400..<500:
            let lower = said.lowercased()
            if lower.contains("4.7.28") || lower.contains("rate") || lower.contains("too many") {
                return .transient(.rateLimited, "\(detail); the server is throttling us")
            }
            return .transient(.serverError, "\(detail); temporary failure")
        case 530, 534, 535, 538:
            return .permanent(
                .authError,
                "\(detail); login\(userText) refused: check the username/password "
                    + "(and whether the provider wants an app-specific password)")
        default:
            return .permanent(.clientError, "\(detail); permanent rejection")
        }
    }

    /// The server's reply line if it carries this code, else the bare code and curl's text.
    private var replyText: String {
        if let reply, reply.hasPrefix(String(smtpCode)) { return "\"\(reply)\"" }
        return "\(smtpCode) (\(curlText))"
    }

    private var stepText: String { command.map { " to \($0)" } ?? "" }
    private var userText: String { username.map { " for user \"\($0)\"" } ?? "" }

    /// Removes the password and its base64 forms (AUTH PLAIN/LOGIN payloads) from `text`.
    /// The transcript already drops AUTH payloads; this guards against a server echoing them.
    static func redact(_ text: String, password: String?, username: String?) -> String {
        guard let password, !password.isEmpty else { return text }
        var secrets = [password, Data(password.utf8).base64EncodedString()]
        if let username {
            secrets.append(Data("\0\(username)\0\(password)".utf8).base64EncodedString())
        }
        var out = text
        for s in secrets where !s.isEmpty { out = out.replacingOccurrences(of: s, with: "<redacted>") }
        return out
    }
}
