import AlertCore
import Foundation
internal import CCurl

/// What the SMTP conversation looked like when it stopped: the last command we sent and the
/// server's last reply, so an error can say "RCPT TO:<x> answered 550 5.1.1 …".
///
/// Secrets: only commands on an allow-list are kept, and `AUTH` is cut to its mechanism, so the
/// base64 credentials of `AUTH PLAIN`/`AUTH LOGIN` are never stored. Server replies are kept
/// as sent (a server does not echo passwords; `SMTPClient` also redacts the final text).
final class SMTPTranscript {
    private(set) var lastCommand: String?
    private(set) var lastReply: String?
    /// The first 4xx/5xx reply and the command it answered. Why kept apart: after a refusal
    /// curl goes on (QUIT, RSET), so the last line is "221 Bye", not the refusal.
    private(set) var refusal: (command: String?, reply: String)?
    private static let verbs: Set<String> = ["EHLO", "HELO", "STARTTLS", "MAIL", "RCPT", "DATA", "RSET", "QUIT", "NOOP"]

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// A reply line from the server ("250-SIZE", "550 5.1.1 …"); the last one is what failed.
    func recordIncoming(_ text: String) {
        let line = SMTPTranscript.clean(text)
        guard !line.isEmpty else { return }
        lastReply = line
        if refusal == nil, let first = line.first, first == "4" || first == "5" {
            refusal = (lastCommand, line)
        }
    }

    /// A command line we sent; kept only if its verb is on the allow-list (AUTH: mechanism only).
    /// AUTH LOGIN's base64 user and password lines have no verb and are dropped.
    func recordOutgoing(_ text: String) {
        let line = SMTPTranscript.clean(text)
        let words = line.split(separator: " ", maxSplits: 2)
        guard let verb = words.first?.uppercased() else { return }
        if verb == "AUTH" {
            lastCommand = words.count > 1 ? "AUTH \(words[1])" : "AUTH"
        } else if SMTPTranscript.verbs.contains(verb) {
            lastCommand = line
        }
    }

    private static func clean(_ text: String) -> String {
        String(text.trimmingWhitespace().prefix(300))
    }

    /// DEBUGFUNCTION: called by libcurl for every protocol line when VERBOSE is on. Why a
    /// static closure: C callbacks cannot capture; the transcript arrives through `userp`.
    static let callback: curl_debug_callback = { _, type, data, size, userp in
        guard let data, let userp, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
        let transcript = Unmanaged<SMTPTranscript>.fromOpaque(userp).takeUnretainedValue()
        let bytes = UnsafeRawBufferPointer(start: data, count: size)
        let text = String(decoding: bytes, as: UTF8.self)
        if type == CURLINFO_HEADER_IN { transcript.recordIncoming(text) } else { transcript.recordOutgoing(text) }
        return 0
    }
}
