import AlertCore
import Foundation
import Testing
@testable import Notify
import TestSupport

@Suite("MailComposer: message structure and threading")
struct MailComposerTests {
    let composer = try! MailComposer(from: "Klaxon 告警 <klaxon@example.com>", messageIDDomain: "klaxon.test")
    let date = Date(timeIntervalSince1970: 1_767_342_612)

    func compose(_ n: AlertNotification) throws -> (ComposedMail, ParsedMail) {
        let mail = try composer.compose(n, content: EmailContent.render(n), date: date)
        return (mail, try ParsedMail(String(decoding: mail.bytes, as: UTF8.self)))
    }

    @Test func multipartStructureAndLineLimits() throws {
        let n = Fixtures.notification(title: Fixtures.chineseTitle, recipients: ["a@example.com", "Bob Ops <b@example.com>"])
        let (mail, parsed) = try compose(n)
        #expect(mail.bytes.allSatisfy { $0 < 0x80 }, "message must be 7-bit")
        let text = String(decoding: mail.bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF in message")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "bare CR in message")
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
        // RFC 5322 §2.1.1: ≤ 78 SHOULD, except msg-id headers, which are one unfoldable token.
        for line in parsed.rawHeaderLines where !line.contains("@klaxon.test>") {
            #expect(line.utf8.count <= 78, "long header line: \(line)")
        }

        #expect(mail.envelopeFrom == "klaxon@example.com")
        #expect(mail.recipients == ["a@example.com", "b@example.com"])
        #expect(parsed.header("Date") == "Fri, 02 Jan 2026 08:30:12 +0000")
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.header("Auto-Submitted") == "auto-generated")
        #expect(try ParsedMail.decode(parsed.header("Subject")!) == "[FIRING][critical] " + Fixtures.chineseTitle)
        #expect(try ParsedMail.decode(parsed.header("From")!) == "Klaxon 告警 <klaxon@example.com>")
        #expect(parsed.header("To") == "a@example.com, Bob Ops <b@example.com>")
        #expect(parsed.header("Content-Type")?.hasPrefix("multipart/alternative; boundary=") == true)

        let parts = try parsed.parts()
        try #require(parts.count == 2)
        #expect(parts[0].type == "text/plain; charset=UTF-8")
        #expect(parts[1].type == "text/html; charset=UTF-8")
        #expect(parts[0].text.contains(Fixtures.chineseTitle))
        #expect(parts[1].text.contains("<!DOCTYPE html>"))
        for part in parts {
            #expect(part.rawLines.allSatisfy { $0.count <= 76 })
            #expect(!part.text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "part not in CRLF form")
        }
    }

    @Test func firingAndResolvedMailsShareOneThread() throws {
        let (firing, f) = try compose(Fixtures.notification(id: "n-1", status: .firing))
        let (repeatMail, r) = try compose(Fixtures.notification(id: "n-2", status: .firing, suppressedRepeats: 3))
        let (resolved, z) = try compose(Fixtures.notification(id: "n-3", status: .resolved))
        let root = try #require(f.header("References"))
        #expect(root == "<klaxon.4f2a9c1be0d3a777.\(Fingerprint.hash("4f2a9c1be0d3a777\n1767342612000"))@klaxon.test>")
        for p in [f, r, z] {
            #expect(p.header("In-Reply-To") == root)
            #expect(p.header("References") == root)
        }
        #expect(Set([firing.messageID, repeatMail.messageID, resolved.messageID]).count == 3, "ids must be unique per mail")
        #expect(firing.messageID.contains(".firing.n-1@") && resolved.messageID.contains(".resolved.n-3@"))
        #expect(f.header("Message-ID") == firing.messageID)
        // Stable: the same notification (a redelivery) gets the same id.
        #expect(try compose(Fixtures.notification(id: "n-1")).0.messageID == firing.messageID)
        // Same subject apart from the status tag.
        #expect(
            f.header("Subject")!.replacingOccurrences(of: "[FIRING]", with: "")
                == z.header("Subject")!.replacingOccurrences(of: "[RESOLVED]", with: ""))
    }

    @Test func incidentIsFingerprintPlusStartTime() {
        func root(_ startsAt: String, _ fp: String = "4f2a9c1be0d3a777") -> String {
            MailThreading(notification: Fixtures.notification(fingerprint: fp, startsAt: startsAt), domain: "d").root
        }
        #expect(root("2026-01-02T08:30:12Z") == root("2026-01-02T08:30:12.000+00:00"))
        #expect(root("2026-01-02T08:30:12Z") == root("2026-01-02T16:30:12+08:00"))
        #expect(root("2026-01-02T08:30:12Z") != root("2026-01-03T08:30:12Z"), "a new firing of the fingerprint is a new thread")
        let odd = root("2026-01-02T08:30:12Z", "service=a b/<x>@y")
        #expect(odd.hasPrefix("<klaxon.h") && !odd.dropFirst().dropLast().contains("<") && odd.filter { $0 == "@" }.count == 1)
    }

    @Test func badRecipientsArePermanent() {
        for recipients in [[], ["not-an-address"], ["a@example.com", "x@y.com\r\nDATA"]] {
            #expect(throws: DeliveryError.self) { try compose(Fixtures.notification(recipients: recipients)) }
            do {
                _ = try compose(Fixtures.notification(recipients: recipients))
            } catch let e as DeliveryError {
                #expect(e.kind == .permanent && e.reason == .invalidPayload)
            } catch { Issue.record("unexpected \(error)") }
        }
        #expect(throws: DeliveryError.self) { try MailComposer(from: "nobody", messageIDDomain: "d") }
    }
}
