import AlertCore
import Foundation
import TimeKit

extension Announcement {
    /// The notification a channel worker renders and delivers: an `info` alert titled
    /// `On call: <schedule>`, and an incident note whose kind (`shift_start`, …) replaces FIRING
    /// in the headline and whose text is the text's first line; the rest (a hand-over's open
    /// incidents, a roster change's shifts) is the alert's message. Templates show both, so
    /// the text is said once (a message equal to the note read it twice in every robot).
    /// `late`: published after its due instant (a replica was down); said in the text.
    public func notification(late: Bool = false) -> AlertNotification {
        let full = late ? "(Late: due \(RFC3339Time.utcString(due)).) " + text : text
        let lines = full.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let line = String(lines[0])
        let rest = lines.count > 1 ? lines[1].trimmingCharacters(in: .whitespacesAndNewlines) : ""
        let alert = Alert(
            id: id, source: "klaxon-shift", integration: "shift", status: .firing, fingerprint: "shift:\(schedule)",
            title: "On call: \(schedule)", message: rest, severity: "info",
            labels: ["schedule": schedule, "kind": kind.rawValue], annotations: [:],
            startsAt: RFC3339Time.utcString(boundary), endsAt: nil, receivedAt: RFC3339Time.utcString(due), links: [])
        return AlertNotification(
            id: id, channel: channel, recipients: [recipient], route: "shift:\(schedule)",
            mentions: Channel(rawValue: channel)?.isChat == true ? mentions : nil,
            incident: IncidentNote(id: "shift:\(schedule)", kind: kind.rawValue, text: line), alert: alert)
    }
}

extension Announcement {
    /// For a `confirm` announcement: the alert handed to the escalation policy (`recipient`).
    /// Its fingerprint names the schedule, person and shift start, so each shift opens its own
    /// incident; its id is the announcement's, so a second publish is not a repeat.
    public func confirmationAlert() -> Alert {
        let who = person?.rawValue ?? ""
        return Alert(
            id: id, source: "klaxon-shift", integration: "shift", status: .firing,
            fingerprint: "shift-confirm:\(schedule):\(who):\(Int64((boundary.timeIntervalSince1970 * 1000).rounded()))",
            title: "Confirm your on-call shift: \(schedule)", message: text, severity: "info",
            labels: ["schedule": schedule, "person": who, "kind": kind.rawValue], annotations: [:],
            startsAt: RFC3339Time.utcString(boundary), endsAt: nil, receivedAt: RFC3339Time.utcString(due), links: [])
    }
}
