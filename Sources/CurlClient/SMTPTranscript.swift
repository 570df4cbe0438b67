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
    func recordIncoming(_ text: String) { recordIncoming(cleaned: SMTPTranscript.clean(text)) }

    /// A command line we sent; kept only if its verb is on the allow-list (AUTH: mechanism only).
    /// AUTH LOGIN's base64 user and password lines have no verb and are dropped.
    func recordOutgoing(_ text: String) { recordOutgoing(cleaned: SMTPTranscript.clean(text)) }

    private func recordIncoming(cleaned line: String) {
        guard !line.isEmpty else { return }
        lastReply = line
        if refusal == nil, let first = line.utf8.first, first == UInt8(ascii: "4") || first == UInt8(ascii: "5") {
            refusal = (lastCommand, line)
        }
    }

    private func recordOutgoing(cleaned line: String) {
        let words = line.split(separator: " ", maxSplits: 2)
        guard let verb = words.first?.uppercased() else { return }
        if verb == "AUTH" {
            lastCommand = words.count > 1 ? "AUTH \(words[1])" : "AUTH"
        } else if SMTPTranscript.verbs.contains(verb) {
            lastCommand = line
        }
    }

    static func clean(_ text: String) -> String {
        String(text.trimmingWhitespace().prefix(300))
    }

    /// `clean` for a line as libcurl hands it over, on bytes when the line is ASCII without a CR
    /// inside (every line in practice: there, white space is tab to CR and space, and a
    /// character is a byte), as text otherwise. Same result either way; the text path per line
    /// was 4 % of `klaxon-email`'s CPU.
    static func clean(_ bytes: UnsafeRawBufferPointer) -> String {
        func space(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        var lo = 0
        var hi = bytes.count
        while lo < hi && space(bytes[lo]) { lo += 1 }
        while hi > lo && space(bytes[hi - 1]) { hi -= 1 }
        guard bytes[lo..<hi].allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else { return clean(String(decoding: bytes, as: UTF8.self)) }
        return String(decoding: bytes[lo..<min(hi, lo + 300)], as: UTF8.self)
    }

    /// DEBUGFUNCTION: called by libcurl for every protocol line when VERBOSE is on. Why a
    /// static closure: C callbacks cannot capture; the transcript arrives through `userp`.
    static let callback: curl_debug_callback = { _, type, data, size, userp in
        guard let data, let userp, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
        let transcript = Unmanaged<SMTPTranscript>.fromOpaque(userp).takeUnretainedValue()
        let line = SMTPTranscript.clean(UnsafeRawBufferPointer(start: data, count: size))
        if type == CURLINFO_HEADER_IN { transcript.recordIncoming(cleaned: line) } else { transcript.recordOutgoing(cleaned: line) }
        return 0
    }
}
