import Escalation
import IncidentLinks

/// What a person can do to an incident through the gateway: the buttons of a link's page and
/// the verbs of the API. Each becomes one `IncidentCommand` on the escalation queue.
enum IncidentVerb: String, Sendable, Hashable, CaseIterable {
    case acknowledge, resolve, snooze, escalate

    /// From a page path's last segment (`/incidents/{id}/acknowledge`).
    init?(pageSegment: String) { self.init(rawValue: pageSegment) }

    /// From an API path's last segment (`/api/v1/incidents/{id}/ack`).
    init?(apiSegment: String) {
        guard let v = Self.allCases.first(where: { $0.apiSegment == apiSegment }) else { return nil }
        self = v
    }

    /// The API's name for it.
    var apiSegment: String { self == .acknowledge ? "ack" : rawValue }

    /// The link permission it needs.
    var linkAction: IncidentLink.Action {
        switch self {
        case .acknowledge: .acknowledge
        case .resolve: .resolve
        case .snooze: .snooze
        case .escalate: .escalate
        }
    }

    /// The escalator's command.
    var command: IncidentCommand.Action {
        switch self {
        case .acknowledge: .acknowledge
        case .resolve: .resolve
        case .snooze: .snooze
        case .escalate: .escalate
        }
    }

    /// The button's label, and the verb in "this link does not allow …".
    var label: String {
        switch self {
        case .acknowledge: "Acknowledge"
        case .resolve: "Resolve"
        case .snooze: "Snooze"
        case .escalate: "Escalate now"
        }
    }
}
