import AlertCore
import Foundation

/// What a mail says: subject, plain text and HTML. Rendered by `MessageTemplates` from the
/// operator's `templates:` (`email.subject`, `email.text`, `email.html`) or the defaults.
public struct EmailContent: Sendable, Equatable {
    /// Unencoded subject (any Unicode; `MailComposer` encodes it).
    public var subject: String
    public var text: String
    /// A complete HTML document; every value from the alert in it is escaped.
    public var html: String

    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// `[FIRING][critical] <title>` / `[RESOLVED][critical] <title>`: the part after the status
    /// tag stays the same through an incident, so readers that also match subjects thread them.
    public static func subject(for a: Alert) -> String { TemplateContext.headline(a) }

    /// The default templates, times shown in `timeZone` (and as sent, in RFC 3339).
    public static func render(_ n: AlertNotification, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> EmailContent {
        MessageTemplates(defaultTimeZone: timeZone.identifier).email(n)
    }
}
