import AlertCore
import Foundation
import Testing
@testable import Notify
import TestSupport

/// Line ends of a mail's text parts (RFC 2046 §4.1.1: CRLF), normalized in one pass over bytes.
@Suite("CRLF: canonical line ends of text parts")
struct CRLFTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func table() {
        let cases: [(String, String)] = [
            ("", ""), ("a", "a"), ("\n", "\r\n"), ("a\nb", "a\r\nb"), ("a\r\nb", "a\r\nb"), ("a\n\nb\n", "a\r\n\r\nb\r\n"),
            ("\r", "\r"), ("a\rb", "a\rb"), ("\r\r\n", "\r\r\n"), ("\n\r", "\r\n\r"), ("\r\n\n", "\r\n\r\n"),
            ("磁盘\n满", "磁盘\r\n满"), ("Диск\r\n", "Диск\r\n"), ("😀\n", "😀\r\n"),
            // A line feed before a combining mark or a variation selector still ends the line. (The
            // earlier NSString replacement saw one grapheme there and left a bare LF.)
            ("a\n\u{301}b", "a\r\n\u{301}b"), ("\n\u{FE0F}", "\r\n\u{FE0F}"), ("\r\n\u{308}", "\r\n\u{308}"),
        ]
        for (input, expected) in cases {
            #expect(CRLF.normalized(input) == Self.bytes(expected), "\(Array(input.unicodeScalars))")
        }
    }

    static let pieces = ["a", "Z", " ", "\n", "\r", "\r\n", "\n\r", "\t", "é", "磁盘", "Диск", "😀", "\u{301}", "\u{FE0F}", "\u{2028}", "\u{85}"]

    /// What defines a canonical text: no LF without a CR before it, one CRLF per line feed of
    /// the input, and nothing else changed (drop the CR of every CRLF and both texts are equal).
    @Test func randomTextsKeepTheirContentAndEndEveryLineInCRLF() {
        var rng = Fx.Rng(state: 0xC41F)
        func dropCRBeforeLF(_ b: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            for (i, x) in b.enumerated() where !(x == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A) { out.append(x) }
            return out
        }
        for i in 0..<3000 {
            let text = (0..<Int.random(in: 0..<12, using: &rng)).map { _ in Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)] }.joined()
            let out = CRLF.normalized(text)
            let input = Self.bytes(text)
            for (k, b) in out.enumerated() where b == 0x0A { #expect(k > 0 && out[k - 1] == 0x0D, "case \(i): bare LF at \(k)") }
            #expect(out.filter { $0 == 0x0A }.count == input.filter { $0 == 0x0A }.count, "case \(i)")
            #expect(dropCRBeforeLF(out) == dropCRBeforeLF(input), "case \(i): content changed")
            #expect(String(validating: out, as: UTF8.self) != nil, "case \(i): not UTF-8")
        }
    }

    /// Where NSString's search agreed with the bytes (no combining mark or variation selector
    /// right after a line feed), the result is the one the two `replacingOccurrences` gave.
    @Test func sameAsTheFoundationReplacementItReplaced() {
        var rng = Fx.Rng(state: 0x0D0A)
        let plain = Self.pieces.filter { $0 != "\u{301}" && $0 != "\u{FE0F}" }
        for i in 0..<2000 {
            let text = (0..<Int.random(in: 0..<12, using: &rng)).map { _ in plain[Int.random(in: 0..<plain.count, using: &rng)] }.joined()
            let foundation = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            #expect(CRLF.normalized(text) == Self.bytes(foundation), "case \(i): \(Array(text.unicodeScalars))")
        }
    }

    /// Through the composer: the decoded text part is the template's text with CRLF line ends,
    /// byte for byte (a wrong line end, a lost or doubled CR, fails here).
    @Test func composedTextPartsCarryCanonicalLineEnds() throws {
        let composer = try MailComposer(from: "klaxon@example.com", messageIDDomain: "klaxon.test")
        let text = "line 1\nline 2\r\nline 3\rstill 3\n\n磁盘\n\u{301}end"
        let html = "<p>a</p>\n<p>b</p>\r\n"
        let mail = try composer.compose(
            Fixtures.notification(), content: EmailContent(subject: "s", text: text, html: html), date: Date(timeIntervalSince1970: 0))
        let parts = try ParsedMail(String(decoding: mail.bytes, as: UTF8.self)).parts()
        try #require(parts.count == 2)
        #expect(Self.bytes(parts[0].text) == Self.bytes("line 1\r\nline 2\r\nline 3\rstill 3\r\n\r\n磁盘\r\n\u{301}end"))
        #expect(Self.bytes(parts[1].text) == Self.bytes("<p>a</p>\r\n<p>b</p>\r\n"))
        let raw = String(decoding: mail.bytes, as: UTF8.self)
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF in the message")
        #expect(raw.hasSuffix("--\r\n"))
    }
}
