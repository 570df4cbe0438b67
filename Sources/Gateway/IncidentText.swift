import AlertCore
import Escalation
import Foundation
import OnCall

/// Incidents in words, for people: the page of a signed link and the API's `text` fields.
/// Person ids are shown with their configured name (`Alice Zhang (alice)`) when the config
/// has one.
struct IncidentText: Sendable {
    /// Names of the configured people.
    let names: [PersonID: String]

    /// Names from the config's `people:`.
    init(people: [Person]) {
        var n: [PersonID: String] = [:]
        for p in people where !p.name.isEmpty { n[p.id] = p.name }
        names = n
    }

    /// `Alice Zhang (alice)`, or the id alone when it has no configured name (an API token's name).
    func person(_ id: PersonID) -> String {
        guard let name = names[id], name != id.rawValue else { return id.rawValue }
        return "\(name) (\(id.rawValue))"
    }

    /// An instant as RFC 3339 in UTC (`2026-03-02T09:00:00.000Z`).
    static func time(_ date: Date) -> String { Timestamps.format(date) }

    /// How a person acted: `a link`, `the API`…
    static func path(_ via: ActionPath) -> String {
        switch via {
        case .link: "a link"
        case .cli: "the CLI"
        case .api: "the API"
        case .phoneKey: "a phone key"
        case .chat: "chat"
        }
    }

    /// `triggered (paging)`, `acknowledged`…: the status as the page shows it.
    static func status(_ s: IncidentStatus) -> String {
        switch s {
        case .triggered: "triggered: paging"
        case .acknowledged: "acknowledged"
        case .snoozed: "snoozed"
        case .resolved: "resolved"
        }
    }

    /// `step 2 of 3, pass 1`: steps and passes counted from 1 for people (the API keeps the
    /// 0-based indexes); `of N` when the policy is in this gateway's config.
    static func position(step: Int, loop: Int, steps: Int?) -> String {
        let of = steps.map { " of \($0)" } ?? ""
        return "step \(step + 1)\(of), pass \(loop + 1)"
    }

    /// One timeline entry as a sentence.
    func describe(_ what: TimelineEntry.What) -> String {
        switch what {
        case .opened:
            return "Incident opened"
        case .stepFired(let step, let loop):
            return "Step \(step + 1) fired (pass \(loop + 1))"
        case .stepSkipped(let step, let loop):
            return "Step \(step + 1) skipped: its condition was false (pass \(loop + 1))"
        case .paged(let step, _, let recipients, let gaps):
            let who = recipients.isEmpty ? "nobody reachable" : recipients.joined(separator: ", ")
            let gap = gaps.isEmpty ? "" : "; nobody on call in \(gaps.joined(separator: ", "))"
            return "Step \(step + 1) paged \(who)\(gap)"
        case .exhausted(let loops):
            return "The steps ran out after \(loops) \(loops == 1 ? "pass" : "passes"); the team was told"
        case .repeatAttached(let count):
            return "The alert fired again (repeat \(count))"
        case .acknowledged(let by, let via):
            return "Acknowledged by \(person(by)) via \(Self.path(via))"
        case .ackReminded(let by):
            return "Reminded \(person(by)) that the acknowledgement expires soon"
        case .ackExpired(let by):
            return "The acknowledgement of \(person(by)) expired; paging restarted"
        case .snoozed(let until, let by, let via):
            return "Snoozed until \(Self.time(until)) by \(person(by)) via \(Self.path(via))"
        case .unsnoozed(let by, let via):
            guard let by else { return "The snooze ended; paging resumed" }
            return "Snooze ended by \(person(by))\(via.map { " via \(Self.path($0))" } ?? ""); paging resumed"
        case .escalated(let by, let via):
            return "Escalated by \(person(by)) via \(Self.path(via))"
        case .sourceResolved(let resolvesIncident):
            return resolvesIncident
                ? "The source resolved the alert; the incident is resolved"
                : "The source resolved the alert (the policy keeps the incident open until a person resolves it)"
        case .resolved(let by, let via):
            return "Resolved by \(person(by)) via \(Self.path(via))"
        case .recovered(let since):
            return "Reopened after Redis lost it (first opened \(Timestamps.format(since))): paging again from step 1"
        case .callOutcome(let by, let outcome):
            let how = [CallOutcome.noAnswer: "was not answered", .busy: "was busy", .failed: "failed"][outcome] ?? "was answered without a key"
            return "The call to \(person(by)) \(how)" + (outcome.reached ? "" : "; their next contact steps went at once")
        case .ignored(let event, let status):
            return "Ignored \(event): the incident was \(status.rawValue)"
        }
    }

    /// Who was paged, one line per kind: people (with names), schedules, robots and addresses.
    func paged(_ targets: EscalationTargets) -> [String] {
        var lines: [String] = []
        if !targets.people.isEmpty { lines.append("People: " + targets.people.map(person).joined(separator: ", ")) }
        if !targets.schedules.isEmpty { lines.append("Schedules: " + targets.schedules.joined(separator: ", ")) }
        for c in targets.channels where !c.recipients.isEmpty {
            lines.append("\(c.channel.rawValue): " + c.recipients.joined(separator: ", "))
        }
        return lines
    }
}
