import AlertCore
import Foundation
import OnCall

/// Page a step's targets. The caller resolves the targets against its `Roster` at the instant it
/// performs the action (`StepResolver`), then records who was reached (`Incident.record`).
public struct NotifyAction: Sendable, Hashable {
    /// The incident.
    public var incidentID: String
    /// The step index.
    public var step: Int
    /// The pass over the steps (0 = first).
    public var loop: Int
    /// The incident's restart round (see `Incident.round`).
    public var round: Int
    /// Whom to page.
    public var targets: EscalationTargets
    /// Which contact rules apply.
    public var urgency: Urgency
    /// Repeats attached so far, shown in the notification.
    public var repeats: Int

    /// A page of `targets` for `step` in pass `loop` of round `round` of incident `incidentID`.
    public init(incidentID: String, step: Int, loop: Int, round: Int, targets: EscalationTargets, urgency: Urgency, repeats: Int) {
        self.incidentID = incidentID
        self.step = step
        self.loop = loop
        self.round = round
        self.targets = targets
        self.urgency = urgency
        self.repeats = repeats
    }

    /// The seed of this firing's notification ids: incident, step, loop and round. A notification
    /// id is `Fingerprint.hash(seed, channel, recipient)`, so a redelivered firing yields the same ids.
    public var seed: String { "\(incidentID)\u{0}\(step)\u{0}\(loop)\u{0}\(round)" }
}

/// What a message to the team says.
public enum TeamMessage: Sendable, Hashable, Codable {
    /// "Acknowledged by X via Y".
    case acknowledged(by: PersonID, via: ActionPath)
    /// Resolved by a person, or (`by` nil) by the source's resolved alert.
    case resolved(by: PersonID?, via: ActionPath?)
    /// "Still open, nobody acknowledged" after `loops` passes over the steps.
    case exhausted(loops: Int)
    /// To the acknowledger: your acknowledgement expires at `expiresAt` unless you resolve.
    case ackExpiring(by: PersonID, expiresAt: Date)
    /// X's acknowledgement expired; paging restarted from the first step.
    case ackExpired(by: PersonID)

    /// The message kind as a template suffix and metric label.
    public var kind: String {
        switch self {
        case .acknowledged: "acknowledged"
        case .resolved: "resolved"
        case .exhausted: "exhausted"
        case .ackExpiring: "ack_expiring"
        case .ackExpired: "ack_expired"
        }
    }
}

/// Tell an audience something about the incident (not a page: sent at default urgency).
public struct TellAction: Sendable, Hashable {
    /// The incident.
    public var incidentID: String
    /// What to say.
    public var message: TeamMessage
    /// Whom to tell: the policy's team, those paged, the acknowledger, or `exhausted` targets.
    public var audience: EscalationTargets
    /// The seed of the message's notification ids: the incident and the timeline position of the
    /// entry that caused it (deterministic, so redelivery repeats the same ids).
    public var seed: String

    /// A message `message` about incident `incidentID` for `audience`, ids from `seed`.
    public init(incidentID: String, message: TeamMessage, audience: EscalationTargets, seed: String) {
        self.incidentID = incidentID
        self.message = message
        self.audience = audience
        self.seed = seed
    }
}

/// What the caller must do after a transition.
public enum IncidentAction: Sendable, Hashable {
    /// Page a step.
    case notify(NotifyAction)
    /// Tell the team (or the acknowledger) something.
    case tell(TellAction)
    /// Set the incident's timer (replacing any pending one: an incident has at most one).
    case schedule(IncidentTimer)
    /// Drop the incident's pending timer.
    case cancelTimers
    /// The person's contact steps still waiting (delayed) are due now: they did not answer.
    case hurry(PersonID)
}
