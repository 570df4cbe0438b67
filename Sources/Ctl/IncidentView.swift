import AlertCore
import Escalation
import EscalatorStore
import Foundation

/// One incident as the `incident` verbs print it: its stored record and its policy from the
/// config (nil when the config no longer has it).
///
/// Text is for a person woken at night: steps and passes count from 1 ("step 2 of 3, pass 1 of
/// 2"), times are RFC 3339 in UTC followed by the policy's zone (when that zone is not UTC).
/// JSON is for scripts: `step` and `loop` are the stored 0-based indexes (as `repeat_from` in the
/// config), times are UTC with milliseconds (`Timestamps.format`), `*_local` the policy's zone.
struct IncidentView {
    let record: IncidentRecord
    let policy: EscalationPolicy?

    var incident: Incident { record.incident }
    var alert: Alert { record.alert }

    /// The policy's zone (UTC without the policy).
    var zone: TimeZone { policy?.timeZone ?? .gmt }

    /// Whether the zone ever differs from UTC (no second column for UTC and its aliases).
    var showsLocal: Bool {
        zone.secondsFromGMT(for: incident.openedAt) != 0 || zone.nextDaylightSavingTimeTransition(after: incident.openedAt) != nil
    }

    /// `2026-03-02T08:00:00Z`.
    static func utc(_ date: Date) -> String { OnCallContext.format(date, in: .gmt) }

    /// `2026-03-02T09:00:00+01:00` in the policy's zone.
    func local(_ date: Date) -> String { OnCallContext.format(date, in: zone) }

    /// UTC, then the policy's zone in parentheses when it is not UTC.
    func time(_ date: Date) -> String { showsLocal ? "\(Self.utc(date)) (\(local(date)))" : Self.utc(date) }

    /// `step 2 of 3, pass 1 of 2` (counted from 1; the pass only when the policy repeats).
    func step(_ index: Int, loop: Int) -> String {
        var text = "step \(index + 1)"
        if let policy { text += " of \(policy.steps.count)" }
        let passes = policy.map { $0.repeatCount + 1 }
        if let passes, passes > 1 || loop > 0 {
            text += loop < passes ? ", pass \(loop + 1) of \(passes)" : ", pass \(loop + 1)"
        } else if passes == nil && loop > 0 {
            text += ", pass \(loop + 1)"
        }
        return text
    }

    /// `2/3` or `2/3 pass 1/2`, for the list's STEP column; `ran out` appended when exhausted.
    var compactStep: String {
        var text = "\(incident.step + 1)"
        if let policy {
            text += "/\(policy.steps.count)"
            if policy.repeatCount > 0 || incident.loop > 0 { text += " pass \(incident.loop + 1)/\(policy.repeatCount + 1)" }
        } else if incident.loop > 0 {
            text += " pass \(incident.loop + 1)"
        }
        return exhausted ? text + " ran out" : text
    }

    /// Triggered with the steps run out: the exhausted targets were told and no timer is left.
    var exhausted: Bool { incident.status == .triggered && incident.exhaustedNotified && incident.timer == nil }

    /// `link`, `cli`, `api`, `phone key`, `chat`.
    static func path(_ via: ActionPath) -> String { via == .phoneKey ? "phone key" : via.rawValue }

    /// The entry that resolved the incident, if it is resolved.
    var resolution: TimelineEntry? {
        guard incident.status == .resolved else { return nil }
        return incident.timeline.last { entry in
            switch entry.what {
            case .resolved, .sourceResolved(resolvesIncident: true): true
            default: false
            }
        }
    }

    /// Where the incident stands, in a sentence.
    var statusText: String {
        switch incident.status {
        case .triggered:
            return exhausted ? "triggered: the steps ran out and nobody acknowledged; still open" : "triggered: paging"
        case .acknowledged:
            guard let ack = incident.ack else { return "acknowledged" }
            return "acknowledged by \(ack.by) via \(Self.path(ack.via)) at \(time(ack.at))"
        case .snoozed:
            return incident.snoozedUntil.map { "snoozed until \(time($0))" } ?? "snoozed"
        case .resolved:
            var text = "resolved"
            if case .resolved(let by, let via)? = resolution?.what { text += " by \(by) via \(Self.path(via))" }
            if case .sourceResolved? = resolution?.what { text += " by the source's resolved alert" }
            return incident.resolvedAt.map { text + " at \(time($0))" } ?? text
        }
    }

    /// What the pending timer will do, and when.
    var nextText: String? {
        guard let timer = incident.timer else { return nil }
        switch timer.kind {
        case .step: return "the next step at \(time(timer.at)), unless someone acknowledges"
        case .snoozeEnd: return "the snooze ends at \(time(timer.at)); paging resumes at \(step(incident.step, loop: incident.loop))"
        case .ackReminder:
            return "reminder to \(incident.ack?.by.rawValue ?? "the acknowledger") at \(time(timer.at)) that the acknowledgement expires"
        case .ackTimeout: return "the acknowledgement expires at \(time(timer.at)); paging then restarts at step 1"
        }
    }

    /// `people alice, bob; email ops@example.com; dingtalk ops` ("nobody yet" when empty).
    static func targets(_ t: EscalationTargets) -> String {
        var parts: [String] = []
        if !t.people.isEmpty { parts.append("people " + t.people.map(\.rawValue).joined(separator: ", ")) }
        if !t.schedules.isEmpty { parts.append("schedules " + t.schedules.joined(separator: ", ")) }
        for c in t.channels where !c.recipients.isEmpty { parts.append("\(c.channel.rawValue) " + c.recipients.joined(separator: ", ")) }
        return parts.isEmpty ? "nobody yet" : parts.joined(separator: "; ")
    }

    /// The list's row: ID POLICY STATUS SEVERITY STEP OPENED ACK-BY TITLE.
    var listRow: [String] {
        [
            incident.id, incident.policy, incident.status.rawValue, alert.severity.isEmpty ? "-" : alert.severity, compactStep,
            Self.utc(incident.openedAt), incident.ack?.by.rawValue ?? "-", Output.clip(alert.title, 60),
        ]
    }

    /// The list's JSON object.
    var summaryJSON: [String: Any] {
        [
            "id": incident.id, "policy": incident.policy, "fingerprint": incident.fingerprint, "status": incident.status.rawValue,
            "title": alert.title, "severity": alert.severity, "step": incident.step, "loop": incident.loop,
            "steps": Output.orNull(policy?.steps.count), "exhausted": exhausted, "repeats": incident.repeats,
            "opened_at": Timestamps.format(incident.openedAt), "opened_at_local": local(incident.openedAt),
            "acknowledged_by": Output.orNull(incident.ack?.by.rawValue),
            "snoozed_until": Output.orNull(incident.snoozedUntil.map(Timestamps.format)),
        ]
    }
}
