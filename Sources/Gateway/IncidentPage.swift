import AlertCore
import Escalation
import EscalatorStore
import Foundation
import IncidentLinks
import OnCall

/// The page a signed link opens: the incident (title, severity, status, policy, step and pass,
/// who was paged, acknowledgement, snooze, repeats, timeline) and one form per action the link
/// allows. Pure: everything it shows is in its fields; every text from the incident, the alert
/// or the link is HTML-escaped.
///
/// The forms post to `./{id}/{action}?{signed query}`, relative to the page's own URL, so the
/// page works under a path prefix of `gateway.public_url` too. A link sent to a team (no
/// person) asks who is acting: a list of the people paged, or a name field when nobody was.
struct IncidentPage: Sendable {
    /// What a button did, shown at the top of the page the button's answer redirects to
    /// (`done=` in the query; unknown values are ignored).
    enum Notice: Sendable, Equatable {
        case acknowledged
        case resolved
        case snoozed(minutes: Int)
        case escalated

        /// The notice of `verb` (with the snooze's minutes).
        init(_ verb: IncidentVerb, minutes: Int?) {
            switch verb {
            case .acknowledge: self = .acknowledged
            case .resolve: self = .resolved
            case .snooze: self = .snoozed(minutes: minutes ?? 0)
            case .escalate: self = .escalated
            }
        }

        /// The notice a `done` query value names (`acknowledge`, `snooze-30`…); nil otherwise.
        init?(query value: String?) {
            guard let value else { return nil }
            switch value {
            case "acknowledge": self = .acknowledged
            case "resolve": self = .resolved
            case "escalate": self = .escalated
            case "snooze-30": self = .snoozed(minutes: 30)
            case "snooze-120": self = .snoozed(minutes: 120)
            default: return nil
            }
        }

        /// Its `done` query value.
        var queryValue: String {
            switch self {
            case .acknowledged: "acknowledge"
            case .resolved: "resolve"
            case .escalated: "escalate"
            case .snoozed(let m): "snooze-\(m)"
            }
        }

        /// What the person reads.
        var text: String {
            switch self {
            case .acknowledged: "Acknowledged — paging stops."
            case .resolved: "Resolved — everyone paged is told."
            case .snoozed(let m): "Snoozed for \(SnoozeChoice.label(minutes: m)) — paging resumes after that."
            case .escalated: "Escalated — the next step is paged now."
            }
        }
    }

    /// The incident and its alert.
    var record: IncidentRecord
    /// The verified link.
    var link: IncidentLink
    /// The link's signed query (`p=…&a=…&e=…&s=…`), repeated on every form.
    var query: String
    /// Names of people.
    var text: IncidentText
    /// How many steps the incident's policy has, if this gateway's config has the policy.
    var steps: Int?
    /// What the last button did, if the page is its answer.
    var notice: Notice?

    /// The whole document.
    func html() -> String {
        let incident = record.incident
        let alert = record.alert
        var b = ""
        if let notice {
            b += "<p class=\"notice\" role=\"status\">\(HTML.escape(notice.text))"
            b += "<small>Klaxon applies it in a moment; reload this page to see the new status.</small></p>\n"
        }
        b += "<h1>\(HTML.escape(alert.title))</h1>\n"
        b += "<p class=\"badges\"><span class=\"sev\">\(HTML.escape(alert.severity))</span>"
        b += "<span class=\"status s-\(incident.status.rawValue)\">\(HTML.escape(IncidentText.status(incident.status)))</span></p>\n"
        if !alert.message.isEmpty { b += "<p>\(HTML.escape(alert.message))</p>\n" }
        b += "<dl>\n"
        b += row("Policy", HTML.escape(incident.policy))
        b += row("Position", HTML.escape(IncidentText.position(step: incident.step, loop: incident.loop, steps: steps)))
        let paged = text.paged(incident.paged)
        b += row("Paged", paged.isEmpty ? "nobody yet" : paged.map(HTML.escape).joined(separator: "<br>"))
        if let ack = incident.ack {
            b += row("Acknowledged", HTML.escape("by \(text.person(ack.by)) via \(IncidentText.path(ack.via)) at \(IncidentText.time(ack.at))"))
        }
        if let until = incident.snoozedUntil, incident.status == .snoozed { b += row("Snoozed until", timeTag(until)) }
        b += row("Repeats", String(incident.repeats))
        b += row("Opened", timeTag(incident.openedAt))
        if let resolved = incident.resolvedAt { b += row("Resolved", timeTag(resolved)) }
        b += "</dl>\n"
        b += actions()
        b += "<h2>Timeline</h2>\n<ol class=\"timeline\">\n"
        for entry in incident.timeline {
            b += "<li>\(timeTag(entry.at))\(HTML.escape(text.describe(entry.what)))</li>\n"
        }
        b += "</ol>\n"
        let holder = link.person.isEmpty ? "a team" : text.person(PersonID(link.person))
        let expires = IncidentText.time(Date(timeIntervalSince1970: TimeInterval(link.expires)))
        b += "<p class=\"foot\">Klaxon incident \(HTML.escape(incident.id)) · link for \(HTML.escape(holder)) · expires \(HTML.escape(expires))</p>"
        return HTML.document(title: HTML.escape("[\(alert.severity)] \(alert.title) · Klaxon"), body: b)
    }

    /// The forms of the actions the link allows, or why there are none.
    func actions() -> String {
        if record.incident.status == .resolved {
            return "<p>This incident is resolved: there is nothing left to do.</p>\n"
        }
        let verbs = IncidentVerb.allCases.filter { link.actions.contains($0.linkAction) }
        if verbs.isEmpty { return "<p>This link allows no actions.</p>\n" }
        var b = "<h2>Act</h2>\n"
        if link.person.isEmpty {
            b += "<p>This link was sent to a team: say who you are with each action.</p>\n"
        }
        let base = "./\(HTML.pathSegment(record.incident.id))/"
        for verb in verbs {
            b += "<form method=\"post\" action=\"\(HTML.escape("\(base)\(verb.rawValue)?\(query)"))\">"
            b += actingAs()
            switch verb {
            case .snooze:
                for choice in SnoozeChoice.allCases {
                    b += "<button type=\"submit\" class=\"snooze\" name=\"minutes\" value=\"\(choice.rawValue)\">Snooze \(choice.label)</button>"
                }
            case .acknowledge: b += "<button type=\"submit\" class=\"ack\">Acknowledge</button>"
            case .resolve: b += "<button type=\"submit\" class=\"resolve\">Resolve</button>"
            case .escalate: b += "<button type=\"submit\" class=\"escalate\">Escalate now</button>"
            }
            b += "</form>\n"
        }
        return b
    }

    /// For a team link: who is acting (required), from the people paged, or typed.
    func actingAs() -> String {
        guard link.person.isEmpty else { return "" }
        let people = record.incident.paged.people
        if people.isEmpty {
            return "<input name=\"by\" required maxlength=\"\(ActingPerson.maxLength)\" placeholder=\"Your name\" aria-label=\"Acting as\">"
        }
        var s = "<select name=\"by\" required aria-label=\"Acting as\"><option value=\"\">Who are you?</option>"
        for p in people { s += "<option value=\"\(HTML.escape(p.rawValue))\">\(HTML.escape(text.person(p)))</option>" }
        return s + "</select>"
    }

    private func row(_ term: String, _ html: String) -> String { "<dt>\(term)</dt><dd>\(html)</dd>\n" }

    private func timeTag(_ date: Date) -> String {
        let t = HTML.escape(IncidentText.time(date))
        return "<time datetime=\"\(t)\">\(t)</time>"
    }
}
