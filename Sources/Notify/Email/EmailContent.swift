import AlertCore
import Foundation

/// What a mail says: subject, plain text and HTML. Klaxon's built-in rendering lives here and
/// only here, so a template engine can replace it by producing another `EmailContent`.
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
    public static func subject(for a: Alert) -> String {
        let severity = a.severity.isEmpty ? "" : "[\(a.severity)]"
        return "[\(a.status.rawValue.uppercased())]\(severity) \(a.title)"
    }

    /// The built-in rendering. Times are shown in `timeZone` (and as sent, in RFC 3339).
    public static func render(_ n: AlertCore.Notification, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> EmailContent {
        let facts = Facts(n, timeZone: timeZone)
        return EmailContent(subject: subject(for: n.alert), text: facts.text, html: facts.html)
    }

    /// The rows both bodies show, in order.
    struct Facts {
        var title: String
        var rows: [(String, String)] = []
        var message: String
        var labels: [(String, String)]
        var annotations: [(String, String)]
        var links: [AlertLink]
        var footer: String

        init(_ n: AlertCore.Notification, timeZone: TimeZone) {
            let a = n.alert
            title = EmailContent.subject(for: a)
            rows.append(("Severity", a.severity.isEmpty ? "(none)" : a.severity))
            rows.append(("Status", a.status.rawValue))
            rows.append(("Source", "\(a.source) (integration \(a.integration))"))
            rows.append(("Started", Facts.time(a.startsAt, timeZone)))
            if a.status == .resolved, let end = a.endsAt, !Timestamps.isUnset(end) {
                rows.append(("Ended", Facts.time(end, timeZone)))
            }
            if let r = a.suppressedRepeats, r > 0 {
                rows.append(("Repeated", "repeated \(r) time\(r == 1 ? "" : "s") since the last notification"))
            }
            message = a.message
            labels = a.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            annotations = a.annotations.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            links = a.links
            footer = "Fingerprint \(a.fingerprint) · route \(n.route) · notification \(n.id)"
        }

        /// `2026-01-02 08:30:12 UTC (2026-01-02T08:30:12Z)`, or the raw text if unparseable.
        static func time(_ text: String, _ zone: TimeZone) -> String {
            guard let d = Timestamps.parse(text) else { return text }
            return "\(Timestamps.local(d, timeZone: zone)) (\(text))"
        }

        var text: String {
            var out = "\(title)\n\n"
            let width = (rows.map(\.0.count).max() ?? 0) + 2
            for (k, v) in rows { out += "\(k):".padding(toLength: width, withPad: " ", startingAt: 0) + v + "\n" }
            if !message.isEmpty { out += "\n\(message)\n" }
            func section(_ name: String, _ pairs: [(String, String)]) {
                guard !pairs.isEmpty else { return }
                out += "\n\(name):\n"
                for (k, v) in pairs { out += "  \(k) = \(v)\n" }
            }
            section("Labels", labels)
            section("Annotations", annotations)
            section("Links", links.map { ($0.title, $0.url) })
            out += "\n-- \n\(footer)\n"
            return out
        }
    }
}
