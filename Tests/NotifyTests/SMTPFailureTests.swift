import AlertCore
import Testing
@testable import CurlClient

/// The one table that says which SMTP outcomes are retried: classification without a server.
@Suite("SMTP failure classification")
struct SMTPFailureTests {
    struct Row: Sendable, CustomStringConvertible {
        var curl: UInt32, smtp: Int, reply: String?, kind: DeliveryError.Kind, reason: DeliveryError.Reason
        var description: String { "curl \(curl) / SMTP \(smtp)" }
    }

    // curl codes: 7 couldn't connect, 6 resolve, 28 timeout, 35 TLS handshake, 60 peer verification,
    // 64 USE_SSL failed, 67 login denied, 55 send error, 56 recv error, 8 weird reply.
    static let table: [Row] = [
        Row(curl: 7, smtp: 0, reply: nil, kind: .transient, reason: .network),
        Row(curl: 6, smtp: 0, reply: nil, kind: .transient, reason: .network),
        Row(curl: 28, smtp: 0, reply: nil, kind: .transient, reason: .timeout),
        Row(curl: 28, smtp: 250, reply: "250 OK", kind: .transient, reason: .timeout),
        Row(curl: 35, smtp: 0, reply: nil, kind: .transient, reason: .network),
        Row(curl: 60, smtp: 0, reply: nil, kind: .transient, reason: .network),
        Row(curl: 56, smtp: 250, reply: "250 OK", kind: .transient, reason: .network),
        Row(curl: 64, smtp: 250, reply: "250 HELP", kind: .permanent, reason: .clientError),
        Row(curl: 67, smtp: 0, reply: nil, kind: .permanent, reason: .authError),
        Row(curl: 67, smtp: 535, reply: "535 5.7.8 Authentication credentials invalid", kind: .permanent, reason: .authError),
        Row(curl: 55, smtp: 530, reply: "530 5.7.0 Authentication required", kind: .permanent, reason: .authError),
        Row(curl: 67, smtp: 454, reply: "454 4.7.0 Temporary authentication failure", kind: .transient, reason: .authError),
        Row(curl: 55, smtp: 550, reply: "550 5.1.1 <x@y>: mailbox unavailable", kind: .permanent, reason: .clientError),
        Row(curl: 55, smtp: 553, reply: "553 5.1.3 malformed address", kind: .permanent, reason: .clientError),
        Row(curl: 8, smtp: 554, reply: "554 5.7.1 rejected as spam", kind: .permanent, reason: .clientError),
        Row(curl: 55, smtp: 451, reply: "451 4.3.0 try later", kind: .transient, reason: .serverError),
        Row(curl: 55, smtp: 452, reply: "452 4.3.1 insufficient storage", kind: .transient, reason: .serverError),
        Row(curl: 56, smtp: 421, reply: "421 4.7.28 rate limited, slow down", kind: .transient, reason: .rateLimited),
    ]

    @Test(arguments: table)
    func classify(_ row: Row) {
        let f = SMTPFailure(
            curlCode: row.curl, smtpCode: row.smtp, curlText: "curl says so", command: "RCPT TO:<x@y>",
            reply: row.reply, server: "smtp.example.com:587", username: "alice", timeoutMillis: 5000)
        let e = f.classify()
        #expect(e.kind == row.kind && e.reason == row.reason, "\(row): got \(e)")
        #expect(e.detail.contains("smtp.example.com:587"))
        if let reply = row.reply, row.smtp >= 400 { #expect(e.detail.contains(reply)) }
    }

    @Test func passwordIsRedactedInEveryForm() {
        let plainB64 = "AGFsaWNlAGh1bnRlcjItc2VjcmV0"  // base64("\0alice\0hunter2-secret")
        let text = "server said hunter2-secret and \(plainB64) and aHVudGVyMi1zZWNyZXQ="
        let out = SMTPFailure.redact(text, password: "hunter2-secret", username: "alice")
        #expect(!out.contains("hunter2-secret") && !out.contains(plainB64) && !out.contains("aHVudGVyMi1zZWNyZXQ="))
    }

    @Test func transcriptNeverKeepsAuthPayloads() {
        let t = SMTPTranscript()
        t.recordOutgoing("AUTH PLAIN AGFsaWNlAGh1bnRlcjI=")
        #expect(t.lastCommand == "AUTH PLAIN")
        t.recordOutgoing("AUTH LOGIN")
        t.recordOutgoing("YWxpY2U=")
        t.recordOutgoing("aHVudGVyMg==")
        #expect(t.lastCommand == "AUTH LOGIN")
        t.recordOutgoing("RCPT TO:<bounce@example.com>")
        #expect(t.lastCommand == "RCPT TO:<bounce@example.com>")
    }
}
