import AlertCore
import Foundation
import Templates

/// The data every message template sees. Documented for operators in the `templates:` section
/// of `deploy/local/klaxon.yaml`:
///
/// - `alert`: the normalized alert as sent (`alert.title`, `alert.labels.team`, `alert.startsAt`, …).
/// - `headline` (`[FIRING][critical] title`), `status` (`FIRING`/`RESOLVED`), `firing`, `resolved`,
///   `severity` (`none` when empty), `icon` (🔥 firing, ✅ resolved, 👀 acknowledged, 📅 shift
///   announcements), `color` (WeCom font colour).
/// - `timeZone`: the integration's time zone, for `{{alert.startsAt | time: timeZone}}`.
/// - `ended`: the end time when resolved; `repeated` and `repeatedTimes` when dedup suppressed repeats.
/// - `labelPairs`, `keyLabels` (without alertname and severity), `annotationPairs`: sorted `{key, value}`;
///   `hasLabels`, `hasAnnotations`, `hasLinks`.
/// - `links`: `{title, url, web}` (`web`: an http(s) URL that may become a link).
/// - `route`, `notificationId`, `footer`.
/// - `incident` (escalator notifications only): `{id, kind, text, link, page}`; `kind` is `page`
///   or what the message reports (`acknowledged`, `resolved`, …), which then replaces `status`
///   in the headline; the signed `link` is also the first of `links`.
/// Digests see `summary` (`12 alerts firing`), `count`, `alerts` (a list of the above) and
/// `more` (alerts that did not fit and follow in the next message; absent when 0).
public enum TemplateContext {
    /// The context for one notification; `timeZone` is an IANA identifier.
    public static func notification(_ n: AlertNotification, timeZone: String) -> [String: TemplateValue] {
        let a = n.alert
        let firing = a.status == .firing
        let note = n.incident
        let status = note.flatMap { $0.isPage ? nil : $0.kind.replacingOccurrences(of: "_", with: " ").uppercased() }
        var links = a.links.map(link)
        if let url = note?.link { links.insert(link(AlertLink(title: "Acknowledge, resolve, snooze", url: url)), at: 0) }
        var c: [String: TemplateValue] = [
            "alert": alert(a),
            "headline": .string(headline(a, status: status)),
            "status": .string(status ?? a.status.rawValue.uppercased()),
            "firing": .bool(firing),
            "resolved": .bool(!firing),
            "severity": .string(a.severity.isEmpty ? "none" : a.severity),
            "icon": .string(icon(firing: firing, kind: note?.kind)),
            "color": .string(firing ? "warning" : "info"),
            "timeZone": .string(timeZone),
            "labelPairs": .keyValuePairs(a.labels),
            "keyLabels": .keyValuePairs(a.labels.filter { $0.key != "alertname" && $0.key != "severity" }),
            "annotationPairs": .keyValuePairs(a.annotations),
            "hasLabels": .bool(!a.labels.isEmpty),
            "hasAnnotations": .bool(!a.annotations.isEmpty),
            "hasLinks": .bool(!links.isEmpty),
            "links": .list(links),
            "route": .string(n.route),
            "notificationId": .string(n.id),
            "footer": .string("Fingerprint \(a.fingerprint) · route \(n.route) · notification \(n.id)"),
        ]
        if !firing, let end = a.endsAt, !Timestamps.isUnset(end) { c["ended"] = .string(end) }
        if let note {
            var d: [String: TemplateValue] = [
                "id": .string(note.id), "kind": .string(note.kind), "text": .string(note.text), "page": .bool(note.isPage),
            ]
            if let l = note.link { d["link"] = .string(l) }
            c["incident"] = .dictionary(d)
        }
        if let r = a.suppressedRepeats, r > 0 {
            c["repeated"] = .number(Double(r))
            c["repeatedTimes"] = .string(r == 1 ? "time" : "times")
        }
        return c
    }

    /// The context for a digest of `shown` notifications, `more` of which follow later.
    public static func digest(_ shown: [AlertNotification], more: Int, timeZone: (Alert) -> String) -> [String: TemplateValue] {
        var c: [String: TemplateValue] = [
            "summary": .string(summary(shown.map(\.alert), more: more)),
            "count": .number(Double(shown.count)),
            "alerts": .list(shown.map { .dictionary(notification($0, timeZone: timeZone($0.alert))) }),
        ]
        if more > 0 { c["more"] = .number(Double(more)) }
        return c
    }

    /// The headline's icon: the report's kind first (an escalator's `resolved` or `acknowledged`
    /// report is about a firing alert; a shift announcement is news, not a fire), else the
    /// alert's status.
    static func icon(firing: Bool, kind: String?) -> String {
        switch kind {
        case "resolved": "✅"
        case "acknowledged": "👀"
        case let k? where shiftKinds.contains(k): "📅"
        default: firing ? "🔥" : "✅"
        }
    }

    /// `klaxon-shift`'s announcement kinds (`Announcement.Kind`).
    static let shiftKinds: Set<String> = ["shift_start", "shift_end", "shift_reminder", "handover", "oncall_gaps", "roster_change"]

    /// `[FIRING][critical] title`, as e-mail subjects have always read; `status` replaces the
    /// alert's (`[ACKNOWLEDGED][critical] title` for an escalator's report).
    public static func headline(_ a: Alert, status: String? = nil) -> String {
        let severity = a.severity.isEmpty ? "" : "[\(a.severity)]"
        return "[\(status ?? a.status.rawValue.uppercased())]\(severity) \(a.title)"
    }

    /// `12 alerts firing`, `3 alerts resolved`, `12 alerts: 10 firing, 2 resolved`.
    static func summary(_ alerts: [Alert], more: Int) -> String {
        let firing = alerts.filter { $0.status == .firing }.count
        let resolved = alerts.count - firing
        let total = alerts.count + more
        let noun = total == 1 ? "alert" : "alerts"
        let head: String
        if resolved == 0 {
            head = "\(total) \(noun) firing"
        } else if firing == 0 {
            head = "\(total) \(noun) resolved"
        } else {
            head = "\(total) \(noun): \(firing) firing, \(resolved) resolved"
        }
        return more > 0 ? "\(head) (\(alerts.count) here, \(more) in the next message)" : head
    }

    static func alert(_ a: Alert) -> TemplateValue {
        var d: [String: TemplateValue] = [
            "id": .string(a.id), "source": .string(a.source), "integration": .string(a.integration),
            "status": .string(a.status.rawValue), "fingerprint": .string(a.fingerprint), "title": .string(a.title),
            "message": .string(a.message), "severity": .string(a.severity), "labels": TemplateValue(a.labels),
            "annotations": TemplateValue(a.annotations), "startsAt": .string(a.startsAt), "receivedAt": .string(a.receivedAt),
            "links": .list(a.links.map(link)), "fields": TemplateValue(a.fields),
        ]
        if let e = a.endsAt { d["endsAt"] = .string(e) }
        if let r = a.suppressedRepeats { d["suppressedRepeats"] = .number(Double(r)) }
        return .dictionary(d)
    }

    static func link(_ l: AlertLink) -> TemplateValue {
        let lower = l.url.lowercased()
        return .dictionary([
            "title": .string(l.title), "url": .string(l.url),
            "web": .bool(lower.hasPrefix("https://") || lower.hasPrefix("http://")),
        ])
    }
}
