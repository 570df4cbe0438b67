import AlertCore
import Escalation
import Foundation

/// Timeline entries as text and as JSON (`klaxonctl incident show`).
extension IncidentView {
    /// One entry in a sentence: who, through which path, which step, whom it paged.
    func text(_ entry: TimelineEntry) -> String {
        switch entry.what {
        case .opened:
            return "opened"
        case .stepFired(let s, let loop):
            return "\(step(s, loop: loop)) fired"
        case .stepSkipped(let s, let loop):
            return "\(step(s, loop: loop)) skipped: its when condition was false"
        case .paged(_, _, let recipients, let gaps):
            var text = recipients.isEmpty ? "paged nobody" : "paged " + recipients.joined(separator: ", ")
            if !gaps.isEmpty { text += "; nobody on call in " + gaps.joined(separator: ", ") }
            return text
        case .exhausted(let loops):
            return "the steps ran out after \(loops) \(loops == 1 ? "pass" : "passes"); the team was told; still open"
        case .repeatAttached(let count):
            return "the alert fired again (repeat \(count)); nobody paged for it"
        case .acknowledged(let by, let via):
            return "acknowledged by \(by) via \(Self.path(via))"
        case .ackReminded(let by):
            return "reminded \(by) that the acknowledgement expires soon"
        case .ackExpired(let by):
            return "\(by)'s acknowledgement expired; paging restarts at step 1"
        case .snoozed(let until, let by, let via):
            return "snoozed by \(by) via \(Self.path(via)) until \(time(until))"
        case .unsnoozed(let by?, let via):
            return "unsnoozed by \(by)\(via.map { " via \(Self.path($0))" } ?? ""); paging resumes"
        case .unsnoozed(nil, _):
            return "the snooze ended; paging resumes"
        case .escalated(let by, let via):
            return "escalated by \(by) via \(Self.path(via))"
        case .sourceResolved(let resolves):
            return resolves
                ? "the source resolved the alert; the incident is resolved" : "the source resolved the alert; the policy keeps the incident open"
        case .resolved(let by, let via):
            return "resolved by \(by) via \(Self.path(via))"
        case .recovered(let since):
            return "reopened after Redis lost it (first opened \(Timestamps.format(since))); paging again from step 1"
        case .callOutcome(let by, let outcome):
            return outcome.reached
                ? "\(by) answered the call without a key" : "\(by)'s call: \(Self.outcome(outcome)); their next contact steps go now"
        case .ignored(let event, let status):
            return "ignored \(event): the incident was \(status.rawValue)"
        }
    }

    /// `not answered`, `busy`, `failed`.
    static func outcome(_ o: CallOutcome) -> String {
        switch o {
        case .answered: "answered"
        case .noAnswer: "not answered"
        case .busy: "busy"
        case .failed: "failed"
        }
    }

    /// The timeline's lines: the UTC time, the policy zone's time (unless UTC), the sentence.
    var timelineLines: [String] {
        incident.timeline.map { e in
            showsLocal ? "\(Self.utc(e.at))  \(local(e.at))  \(text(e))" : "\(Self.utc(e.at))  \(text(e))"
        }
    }

    /// One entry as JSON: `at`, `at_local`, `event` (snake case) and the event's fields; `step`
    /// and `loop` 0-based as stored.
    func json(_ entry: TimelineEntry) -> [String: Any] {
        var o: [String: Any] = ["at": Timestamps.format(entry.at), "at_local": local(entry.at)]
        func person(_ by: Any, _ via: ActionPath?) {
            o["by"] = by
            o["via"] = Output.orNull(via?.rawValue)
        }
        switch entry.what {
        case .opened:
            o["event"] = "opened"
        case .stepFired(let step, let loop):
            o["event"] = "step_fired"
            o["step"] = step
            o["loop"] = loop
        case .stepSkipped(let step, let loop):
            o["event"] = "step_skipped"
            o["step"] = step
            o["loop"] = loop
        case .paged(let step, let loop, let recipients, let gaps):
            o["event"] = "paged"
            o["step"] = step
            o["loop"] = loop
            o["recipients"] = recipients
            o["gaps"] = gaps
        case .exhausted(let loops):
            o["event"] = "exhausted"
            o["loops"] = loops
        case .repeatAttached(let count):
            o["event"] = "repeat_attached"
            o["count"] = count
        case .acknowledged(let by, let via):
            o["event"] = "acknowledged"
            person(by.rawValue, via)
        case .ackReminded(let by):
            o["event"] = "ack_reminded"
            o["by"] = by.rawValue
        case .ackExpired(let by):
            o["event"] = "ack_expired"
            o["by"] = by.rawValue
        case .snoozed(let until, let by, let via):
            o["event"] = "snoozed"
            o["until"] = Timestamps.format(until)
            person(by.rawValue, via)
        case .unsnoozed(let by, let via):
            o["event"] = "unsnoozed"
            person(Output.orNull(by?.rawValue), via)
        case .escalated(let by, let via):
            o["event"] = "escalated"
            person(by.rawValue, via)
        case .sourceResolved(let resolves):
            o["event"] = "source_resolved"
            o["resolves_incident"] = resolves
        case .resolved(let by, let via):
            o["event"] = "resolved"
            person(by.rawValue, via)
        case .recovered(let since):
            o["event"] = "recovered"
            o["since"] = Timestamps.format(since)
        case .callOutcome(let by, let outcome):
            o["event"] = "call_outcome"
            o["by"] = by.rawValue
            o["outcome"] = outcome.rawValue
        case .ignored(let event, let status):
            o["event"] = "ignored"
            o["ignored_event"] = event
            o["status"] = status.rawValue
        }
        return o
    }
}
