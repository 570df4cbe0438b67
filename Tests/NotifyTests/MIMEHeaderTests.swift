import Foundation
import Testing
@testable import Notify
import TestSupport

@Suite("RFC 2047 subjects and RFC 5322 dates")
struct MIMEHeaderTests {
    static let subjects: [String] = [
        Fixtures.chineseTitle,
        Fixtures.russianTitle,
        "[FIRING][critical] " + Fixtures.chineseTitle + " / " + Fixtures.russianTitle,
        "磁盘",  // short
        String(repeating: "👨‍👩‍👧‍👦", count: 6),  // 25-byte graphemes
        "e" + String(repeating: "\u{301}", count: 40) + " combining marks longer than one word",
        "ASCII then ünïcödé at the end of a fairly long line of words that must fold somewhere",
    ]

    @Test("encoded subjects: words ≤ 75, lines ≤ 76, whole characters, exact round trip", arguments: subjects)
    func encodedSubjectRoundTrips(_ subject: String) throws {
        let value = MIMEHeader.unstructured(subject, name: "Subject")
        let lines = ("Subject: " + value).components(separatedBy: "\r\n")
        for (i, line) in lines.enumerated() {
            #expect(line.utf8.count <= 76, "line \(i) is \(line.utf8.count) long: \(line)")
            #expect(line.allSatisfy { $0.isASCII })
            if i > 0 { #expect(line.hasPrefix(" ") && !line.hasPrefix("  ")) }
        }
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        let words = ParsedMail.encodedWords(unfolded)
        #expect(!words.isEmpty)
        for w in words {
            #expect(w.count <= 75, "encoded word too long: \(w)")
            #expect(w.hasPrefix("=?UTF-8?B?") && w.hasSuffix("?="))
        }
        // decode() throws if any single word is not valid UTF-8 on its own.
        #expect(try ParsedMail.decode(unfolded) == subject)
    }

    @Test func wholeGraphemesStayTogetherWhenTheyFit() throws {
        let family = "👨‍👩‍👧‍👦"
        let value = MIMEHeader.unstructured(String(repeating: family, count: 6), name: "Subject")
        for w in ParsedMail.encodedWords(value.replacingOccurrences(of: "\r\n", with: "")) {
            let text = try ParsedMail.decode(w)
            #expect(text.allSatisfy { $0 == Character(family) }, "a family emoji was split: \(text.unicodeScalars.count) scalars")
        }
    }

    @Test func plainASCIIStaysReadableAndFolds() {
        #expect(MIMEHeader.unstructured("[FIRING][critical] High CPU on db-1", name: "Subject") == "[FIRING][critical] High CPU on db-1")
        let long = Array(repeating: "word", count: 40).joined(separator: " ")
        let value = MIMEHeader.unstructured(long, name: "Subject")
        #expect(!value.contains("=?"))
        #expect(("Subject: " + value).components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(value.replacingOccurrences(of: "\r\n", with: "") == long)
    }

    @Test func lineBreaksAndEncodedLookalikesCannotInjectOrConfuse() throws {
        let injected = MIMEHeader.unstructured("hi\r\nBcc: victim@example.com", name: "Subject")
        #expect(!injected.contains("\r\nBcc"))
        #expect(injected == "hi Bcc: victim@example.com")
        let lookalike = MIMEHeader.unstructured("=?UTF-8?B?SGk=?= literal", name: "Subject")
        #expect(lookalike.hasPrefix("=?UTF-8?B?"))
        #expect(try ParsedMail.decode(lookalike.replacingOccurrences(of: "\r\n", with: "")) == "=?UTF-8?B?SGk=?= literal")
    }

    @Test func dateIsRFC5322InUTC() {
        #expect(MIMEHeader.date(Date(timeIntervalSince1970: 1_767_342_612)) == "Fri, 02 Jan 2026 08:30:12 +0000")
        #expect(MIMEHeader.date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
    }

    @Test func displayNames() throws {
        #expect(MailAddress(parsing: "Klaxon <k@example.com>")?.header == "Klaxon <k@example.com>")
        #expect(MailAddress(parsing: "Ops, Team <k@example.com>")?.header == "\"Ops, Team\" <k@example.com>")
        let encoded = try #require(MailAddress(parsing: "Klaxon 告警 <k@example.com>")).header
        #expect(encoded.hasPrefix("=?UTF-8?B?") && encoded.hasSuffix(" <k@example.com>"))
        #expect(MailAddress(parsing: "k@example.com") == MailAddress(address: "k@example.com"))
        #expect(MailAddress(parsing: "no-at-sign") == nil)
        #expect(MailAddress(parsing: "a@b.com\r\nRCPT TO:<x@y>") == nil)
        #expect(MailAddress(parsing: "two@@example.com") == nil)
    }
}
