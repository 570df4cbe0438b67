import AlertCore
import Foundation
import TimeKit

extension Announcement {
    /// The notification a channel worker renders and delivers: an `info` alert titled
    /// `On call: <schedule>` with the text as its message, and an incident note whose kind
    /// (`shift_start`, …) replaces FIRING in the headline and whose text is the one line.
    /// `late`: published after its due instant (a replica was down); said in the text.
    public func notification(late: Bool = false) -> AlertNotification {
        let line = late ? "(Late: due \(RFC3339Time.utcString(due)).) " + text : text
        let alert = Alert(
            id: id, source: "klaxon-shift", integration: "shift", status: .firing, fingerprint: "shift:\(schedule)",
            title: "On call: \(schedule)", message: line, severity: "info",
            labels: ["schedule": schedule, "kind": kind.rawValue], annotations: [:],
            startsAt: RFC3339Time.utcString(boundary), endsAt: nil, receivedAt: RFC3339Time.utcString(due), links: [])
        return AlertNotification(
            id: id, channel: channel, recipients: [recipient], route: "shift:\(schedule)",
            mentions: Channel(rawValue: channel)?.isChat == true ? mentions : nil,
            incident: IncidentNote(id: "shift:\(schedule)", kind: kind.rawValue, text: line), alert: alert)
    }
}
