import AlertCore
import Foundation

/// A message ready for SMTP: the envelope and the bytes.
public struct ComposedMail: Sendable, Equatable {
    /// Bare sender address for `MAIL FROM`.
    public var envelopeFrom: String
    /// Bare recipient addresses for `RCPT TO`.
    public var recipients: [String]
    /// `<…>` Message-ID written in the headers.
    public var messageID: String
    /// The RFC 5322 message: 7-bit ASCII, CRLF line ends, no line longer than 998 octets.
    public var bytes: [UInt8]
}

/// Builds the RFC 5322 / MIME message for a notification. Pure: no I/O, the date is passed in.
///
/// Layout: Date, From, To, Subject (RFC 2047 when not plain ASCII), Message-ID, In-Reply-To,
/// References (see `MailThreading`), MIME-Version, `Auto-Submitted: auto-generated` (RFC 3834:
/// no vacation replies), `X-Klaxon-*`, then `multipart/alternative` with `text/plain;
/// charset=UTF-8` first and `text/html` last (preferred), both base64 in 76-character lines.
public struct MailComposer: Sendable {
    public var from: MailAddress { didSet { fromHeader = from.header } }
    public var messageIDDomain: String
    /// `from` as written in the From header, encoded once rather than for every mail.
    private var fromHeader: String

    /// - Throws: permanent `.invalidPayload` DeliveryError if `from` is not an address.
    public init(from: String, messageIDDomain: String) throws(DeliveryError) {
        guard let f = MailAddress(parsing: from) else {
            throw .permanent(.invalidPayload, "email.from is not an address: \"\(from.prefix(100))\"")
        }
        self.from = f
        self.fromHeader = f.header
        self.messageIDDomain = messageIDDomain
    }

    /// - Throws: permanent `.invalidPayload` DeliveryError if a recipient is not an address
    ///   or there is none (retrying cannot fix the notification).
    public func compose(_ n: AlertNotification, content: EmailContent, date: Date) throws(DeliveryError) -> ComposedMail {
        var to: [MailAddress] = []
        for r in n.recipients {
            guard let a = MailAddress(parsing: r) else {
                throw .permanent(.invalidPayload, "recipient is not an e-mail address: \"\(r.prefix(100))\"")
            }
            to.append(a)
        }
        if to.isEmpty { throw .permanent(.invalidPayload, "notification \(n.id) has no recipients") }

        let threading = MailThreading(notification: n, domain: messageIDDomain)
        let boundary = "=_klaxon_\(Fingerprint.hash(n.id + "\n" + threading.messageID))"
        var h: [String] = [
            "Date: \(MIMEHeader.date(date))",
            "From: \(fromHeader)",
            // One recipient per line keeps long lists under the line limits.
            "To: \(to.map(\.header).joined(separator: ",\r\n "))",
            "Subject: \(MIMEHeader.unstructured(content.subject, name: "Subject"))",
            "Message-ID: \(threading.messageID)",
            "In-Reply-To: \(threading.inReplyTo)",
            "References: \(threading.references.joined(separator: "\r\n "))",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "X-Klaxon-Fingerprint: \(MailThreading.token(n.alert.fingerprint))",
            "X-Klaxon-Notification-Id: \(MailThreading.token(n.id))",
            "X-Klaxon-Status: \(n.alert.status.rawValue)",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        h.append("")
        // Written straight into bytes: the message is ASCII, so nothing is gained by building it
        // as Strings first (and copying each into a longer one, part after part).
        var out: [UInt8] = []
        out.reserveCapacity(2048 + (content.text.utf8.count + content.html.utf8.count) * 3 / 2)
        for line in h {
            out.append(contentsOf: line.utf8)
            out.append(contentsOf: Self.crlf)
        }
        out.append(contentsOf: "This is a multi-part message in MIME format.\r\n".utf8)
        part(content.text, type: "text/plain", boundary: boundary, into: &out)
        part(content.html, type: "text/html", boundary: boundary, into: &out)
        out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        return ComposedMail(
            envelopeFrom: from.address, recipients: to.map(\.address),
            messageID: threading.messageID, bytes: out)
    }

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    private func part(_ text: String, type: String, boundary: String, into out: inout [UInt8]) {
        out.append(contentsOf: "--\(boundary)\r\nContent-Type: \(type); charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8)
        // Canonical text form has CRLF line ends (RFC 2046 §4.1.1), so normalize before encoding.
        out.append(contentsOf: MailComposer.base64Lines(CRLF.normalized(text)))
        out.append(contentsOf: Self.crlf)
    }

    /// Base64 in lines of 76 characters joined by CRLF (RFC 2045 §6.8), no trailing CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> Data {
        Data(bytes).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }
}
