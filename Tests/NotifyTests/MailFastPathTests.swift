import AlertCore
import Foundation
import Testing
@testable import CurlClient
@testable import Notify
import TestSupport

/// The per-mail work made cheaper for klaxon-email must give what the Foundation code it
/// replaced gave: address parsing, the Date header and the SMTP transcript's lines.
@Suite("Mail fast paths: same results as the Foundation code they replaced")
struct MailFastPathTests {
    /// The address validity check before: a CharacterSet built per call.
    static func referenceValid(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = CharacterSet(charactersIn: "<>\"\\,; \t\r\n\0").union(.controlCharacters)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && address.utf8.count <= 320
            && address.unicodeScalars.allSatisfy { !forbidden.contains($0) }
    }

    static let pieces = [
        "a", "Z", "0", ".", "@", "@@", "<", ">", "\"", "\\", ",", ";", " ", "\t", "\r", "\n", "\u{0}", "\u{1f}", "\u{7f}",
        "\u{85}", "\u{a0}", "\u{200b}", "\u{200e}", "\u{2028}", "\u{3000}", "\u{feff}", "\u{301}", "é", "磁盘", "😀", "x@y.z",
    ]

    @Test func addressesParseAsBefore() {
        var rng = Fx.Rng(state: 0xADD5)
        for i in 0..<5000 {
            let text = (0..<Int.random(in: 0..<8, using: &rng)).map { _ in Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)] }.joined()
            #expect(MailAddress.isValid(text) == Self.referenceValid(text), "case \(i): \(Array(text.unicodeScalars))")
            #expect(MailAddress.trimmingBlanks(text) == text.trimmingCharacters(in: .whitespaces), "case \(i): \(Array(text.unicodeScalars))")
        }
        #expect(
            MailAddress(parsing: " \u{3000}Ops \"On Call\" <ops@example.com>\t") == MailAddress(name: "Ops \"On Call\"", address: "ops@example.com"))
        #expect(MailAddress(parsing: "ops@example.com\n") == nil, "a line break is not trimmed away")
    }

    @Test func envelopeAddressesCheckedAsBefore() {
        let forbidden = CharacterSet(charactersIn: "<>\r\n\0 \t")
        var rng = Fx.Rng(state: 0xE7E1)
        for i in 0..<5000 {
            let text = (0..<Int.random(in: 0..<8, using: &rng)).map { _ in Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)] }.joined()
            let reference = text.contains("@") && text.utf8.count <= 320 && text.unicodeScalars.allSatisfy { !forbidden.contains($0) }
            #expect(SMTPClient.isPlausible(text) == reference, "case \(i): \(Array(text.unicodeScalars))")
        }
    }

    @Test func subjectWhiteSpaceCollapsedAsBefore() {
        var rng = Fx.Rng(state: 0x5B1)
        let parts = ["a", "Z", " ", "  ", "\t", "\r\n", "\r", "\n", "\u{b}", "\u{c}", "\u{1c}", "\u{1f}", "=?", "x", "é", "\u{a0}", "\u{2028}", "磁"]
        for i in 0..<5000 {
            let text = (0..<Int.random(in: 0..<12, using: &rng)).map { _ in parts[Int.random(in: 0..<parts.count, using: &rng)] }.joined()
            let reference = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            #expect(MIMEHeader.collapsingWhitespace(text) == reference, "case \(i): \(Array(text.unicodeScalars))")
        }
    }

    @Test func dateHeaderAsCalendarWroteIt() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        func reference(_ date: Date) -> String {
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
            return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
                + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
        }
        var rng = Fx.Rng(state: 0xDA7E)
        var instants: [Double] = [0, -1, -86_400, -86_401, 951_782_400, 1_767_342_612.999, 4_102_444_800 - 0.5]
        for _ in 0..<5000 { instants.append(Double.random(in: -100_000_000...4_200_000_000, using: &rng)) }
        for t in instants {
            let d = Date(timeIntervalSince1970: t)
            #expect(MIMEHeader.date(d) == reference(d), "\(t)")
        }
    }

    @Test func transcriptLinesAsTheTextPathCleansThem() {
        var rng = Fx.Rng(state: 0x5A7)
        let parts = ["250", " ", "\t", "\r\n", "\r", "\n", "OK", "5.1.1", "ü", "磁", "\u{a0}", "\u{2028}", "\u{b}", "x"]
        for i in 0..<5000 {
            var text = (0..<Int.random(in: 0..<10, using: &rng)).map { _ in parts[Int.random(in: 0..<parts.count, using: &rng)] }.joined()
            if i % 10 == 0 { text += String(repeating: "y", count: Int.random(in: 280..<320, using: &rng)) + "\r\n" }
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBytes { SMTPTranscript.clean($0) }
            #expect(fast == SMTPTranscript.clean(text), "case \(i): \(Array(text.unicodeScalars))")
        }
    }
}
