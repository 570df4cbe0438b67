import AlertCore
import Escalation
import EscalatorStore
import Foundation
import IncidentLinks
import OnCall

/// Turns a transition's actions into work saved with the incident: the step's pages and the
/// messages to the team become notifications in the record's outbox (or its delayed list, for a
/// person's later contact steps), resolved against the roster at the instant. Pure: the caller
/// saves the record, then publishes the outbox. Timer actions need nothing here: the record's
/// `wakeAt` is what the timer store is set to.
struct IncidentEffects {
    /// Makes the signed link for an incident and a person ("" for a team channel); nil: no links.
    typealias LinkMaker = @Sendable (_ incidentID: String, _ person: String, _ resolved: Bool) -> String?

    let policy: EscalationPolicy
    let roster: Roster
    let link: LinkMaker
    let now: Date

    /// What the effects reached, for metrics and logs.
    struct Report {
        /// Steps fired (pages).
        var stepsFired = 0
        /// Schedules with nobody on call when a step fired.
        var gaps: [String] = []
        /// People a step named who had no usable contact rule.
        var unreachable: [PersonID] = []
    }

    /// Adds `actions`' notifications to `record` (whose `incident` is already the transition's
    /// result); drops delayed contact steps once the incident is no longer paging.
    func apply(_ actions: [IncidentAction], to record: inout IncidentRecord) -> Report {
        var report = Report()
        for action in actions {
            switch action {
            case .notify(let a):
                let resolution = StepResolver.resolve(a, roster: roster, at: now)
                record.incident.record(resolution, for: a, at: now)
                report.stepsFired += 1
                report.gaps += resolution.gaps
                report.unreachable += resolution.unreachable
                var alert = record.alert
                alert.suppressedRepeats = a.repeats > 0 ? a.repeats : nil
                let text = pageText(a)
                for d in resolution.deliveries {
                    guard let n = notification(d, alert: alert, kind: "page", text: text, incidentID: a.incidentID, resolved: false) else {
                        continue
                    }
                    if d.afterSeconds == 0 {
                        record.queue([n], at: now)
                    } else {
                        record.delayed.append(
                            DelayedDelivery(due: now.addingTimeInterval(TimeInterval(d.afterSeconds)), notification: n, people: d.people))
                    }
                }
            case .tell(let t):
                let resolution = StepResolver.resolve(t, roster: roster, at: now)
                let resolved = record.incident.status == .resolved
                // A report is never a phone call: ringing someone to say "acknowledged" or
                // "resolved" wakes them for nothing (SMS and the other channels still carry it).
                for d in resolution.deliveries where d.channel != Channel.voice.rawValue {
                    if let n = notification(
                        d, alert: record.alert, kind: t.message.kind, text: tellText(t.message), incidentID: t.incidentID, resolved: resolved)
                    {
                        record.queue([n], at: now)
                    }
                }
            case .hurry(let person):
                // They did not answer the call: their next contact steps go now, not when due.
                let now = self.now
                let due = record.delayed.filter { $0.people?.contains(person) == true }
                record.queue(due.map(\.notification), at: now)
                record.delayed.removeAll { $0.people?.contains(person) == true }
            case .schedule, .cancelTimers:
                break
            }
        }
        if record.incident.status != .triggered { record.delayed.removeAll() }
        return report
    }

    /// One delivery as a notification; nil for a channel this fleet has no worker for.
    func notification(_ d: Delivery, alert: Alert, kind: String, text: String, incidentID: String, resolved: Bool) -> AlertNotification? {
        guard let channel = Channel(rawValue: d.channel) else { return nil }
        let person = personOwning(d)
        let note = IncidentNote(id: incidentID, kind: kind, text: text, link: link(incidentID, person, resolved))
        return AlertNotification(
            id: d.id, channel: d.channel, recipients: [d.recipient], route: policy.name,
            mentions: channel.isChat ? d.mentions : nil, incident: note, alert: alert)
    }

    /// The person a delivery to their own address or phone reaches ("" for robots and lists:
    /// the page then asks who is acting).
    func personOwning(_ d: Delivery) -> String {
        switch d.channel {
        case "email": roster.people.values.first { $0.email == d.recipient }?.id.rawValue ?? ""
        case "sms", "voice": roster.people.values.first { $0.phone == d.recipient }?.id.rawValue ?? ""
        default: ""
        }
    }

    /// "Step 2 of 3 · policy db · pass 2 · repeated 4 times".
    func pageText(_ a: NotifyAction) -> String {
        var parts = ["Step \(a.step + 1) of \(policy.steps.count)", "policy \(policy.name)"]
        if a.loop > 0 { parts.append("pass \(a.loop + 1)") }
        if a.repeats > 0 { parts.append("repeated \(a.repeats) \(a.repeats == 1 ? "time" : "times")") }
        return parts.joined(separator: " · ")
    }

    /// One line saying what happened.
    func tellText(_ m: TeamMessage) -> String {
        switch m {
        case .acknowledged(let by, let via): "Acknowledged by \(by.rawValue) (\(via.rawValue)): paging stopped"
        case .resolved(let by?, let via): "Resolved by \(by.rawValue)\(via.map { " (\($0.rawValue))" } ?? "")"
        case .resolved(nil, _): "Resolved: the source sent its resolved alert"
        case .exhausted(let loops):
            "Nobody acknowledged after \(loops) \(loops == 1 ? "pass" : "passes") over policy \(policy.name): the incident stays open"
        case .ackExpiring(let by, let at):
            "\(by.rawValue), your acknowledgement expires at \(Timestamps.format(at)) unless the incident is resolved"
        case .ackExpired(let by): "\(by.rawValue)'s acknowledgement expired: paging restarted from the first step"
        }
    }
}
