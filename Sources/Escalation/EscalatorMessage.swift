import AlertCore
import Foundation
import OnCall

/// What a person does to an incident, from any path (signed link, API, CLI, phone key, chat):
/// one type, published on the one escalation queue and applied by `klaxon-escalator`.
public struct IncidentCommand: Sendable, Hashable, Codable {
    /// The action.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case acknowledge, resolve, snooze, unsnooze, escalate
        /// Not a person's choice: how their page call ended (`outcome`), reported by the phone
        /// provider's callback.
        case callOutcome
    }

    /// A unique id of this command (the escalator applies each id once per incident, so a
    /// redelivered or double-clicked command changes nothing more).
    public var id: String
    /// The incident.
    public var incidentID: String
    /// What to do.
    public var action: Action
    /// Who does it: a person id, or an API token's name.
    public var by: String
    /// The path it came through.
    public var via: ActionPath
    /// For `snooze`: until when.
    public var until: Date?
    /// For `callOutcome`: `answered`, `no_answer`, `busy` or `failed`.
    public var outcome: CallOutcome?
    /// When the person acted (the escalator applies it at the instant it processes it; this is
    /// recorded for the timeline and the acknowledgement latency).
    public var at: Date

    /// A command.
    public init(
        id: String, incidentID: String, action: Action, by: String, via: ActionPath, until: Date? = nil, outcome: CallOutcome? = nil, at: Date
    ) {
        self.id = id
        self.incidentID = incidentID
        self.action = action
        self.by = by
        self.via = via
        self.until = until
        self.outcome = outcome
        self.at = at
    }

    /// The state machine's event, or a reason it is malformed (a snooze without an end).
    public var event: Result<IncidentEvent, PayloadError> {
        let who = PersonID(by)
        switch action {
        case .acknowledge: return .success(.acknowledge(by: who, via: via))
        case .resolve: return .success(.resolve(by: who, via: via))
        case .unsnooze: return .success(.unsnooze(by: who, via: via))
        case .escalate: return .success(.escalateNow(by: who, via: via))
        case .callOutcome:
            guard let outcome else { return .failure(PayloadError(path: "$.command.outcome", reason: "missing field: a call outcome needs it")) }
            return .success(.callOutcome(by: who, outcome: outcome))
        case .snooze:
            guard let until else { return .failure(PayloadError(path: "$.command.until", reason: "missing field: a snooze needs its end")) }
            return .success(.snooze(until: until, by: who, via: via))
        }
    }
}

/// A watch message: one per open incident circulates through the broker's watch queue and
/// comes back every `incidents.watch_interval`. The broker is the durable copy of "this incident
/// is open": if Redis lost the incident, the watch reopens it (a page again, never silence).
public struct IncidentWatch: Sendable, Equatable, Codable {
    /// The incident.
    public var incidentID: String
    /// Its policy.
    public var policy: String
    /// Its generation.
    public var generation: Int
    /// When it opened.
    public var openedAt: Date
    /// The alert that opened it.
    public var alert: Alert

    /// A watch of one incident.
    public init(incidentID: String, policy: String, generation: Int, openedAt: Date, alert: Alert) {
        self.incidentID = incidentID
        self.policy = policy
        self.generation = generation
        self.openedAt = openedAt
        self.alert = alert
    }
}

/// One message for `klaxon-escalator`, on the escalation queue (`Topology.escalationQueue`:
/// alerts, watches) or the command queue (`Topology.commandQueue`: commands): exactly one of
/// `alert` (with `policy`), `command` or `watch` is set, as `type` says.
public struct EscalatorMessage: Sendable, Equatable, Codable {
    /// The message's contract version.
    public static let version = 1

    /// Which field is set.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The router hands an alert to a policy: it opens, repeats or resolves an incident.
        case alert
        /// A person acts on an incident.
        case command
        /// An open incident's watch came back.
        case watch
    }

    public var v: Int
    public var type: Kind
    /// For `alert`: the policy the route names.
    public var policy: String?
    public var alert: Alert?
    public var command: IncidentCommand?
    public var watch: IncidentWatch?

    /// An alert for `policy`.
    public static func alert(_ alert: Alert, policy: String) -> EscalatorMessage {
        EscalatorMessage(v: version, type: .alert, policy: policy, alert: alert)
    }

    /// A person's command.
    public static func command(_ command: IncidentCommand) -> EscalatorMessage {
        EscalatorMessage(v: version, type: .command, command: command)
    }

    /// A watch.
    public static func watch(_ watch: IncidentWatch) -> EscalatorMessage {
        EscalatorMessage(v: version, type: .watch, watch: watch)
    }

    /// The message's broker id (`message_id`): the alert's id with the policy, the command's id,
    /// or the watch's incident.
    public var messageID: String {
        switch type {
        case .alert: "\(alert?.id ?? "")/\(policy ?? "")"
        case .command: command?.id ?? ""
        case .watch: "watch/\(watch?.incidentID ?? "")"
        }
    }

    /// Checks that the field `type` names is there; a reason naming what is missing otherwise.
    public func validated() throws(PayloadError) -> EscalatorMessage {
        switch type {
        case .alert:
            guard alert != nil else { throw PayloadError(path: "$.alert", reason: "missing field") }
            guard let policy, !policy.isEmpty else { throw PayloadError(path: "$.policy", reason: "missing field") }
        case .command:
            guard command != nil else { throw PayloadError(path: "$.command", reason: "missing field") }
        case .watch:
            guard watch != nil else { throw PayloadError(path: "$.watch", reason: "missing field") }
        }
        return self
    }
}
