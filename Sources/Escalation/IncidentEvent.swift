import Foundation
import OnCall

/// Something that happens to an incident. Acknowledgements and the other actions by people carry
/// who and through which path; whatever the path, they are this one type on one queue.
public enum IncidentEvent: Sendable, Hashable, Codable {
    /// The alert fired again (a repeat): attached and counted, nobody paged.
    case alertFiring
    /// The source resolved the alert.
    case alertResolved
    /// A person acknowledges: paging stops.
    case acknowledge(by: PersonID, via: ActionPath)
    /// A person resolves the incident.
    case resolve(by: PersonID, via: ActionPath)
    /// A person pauses paging until an instant.
    case snooze(until: Date, by: PersonID, via: ActionPath)
    /// A person ends a snooze early.
    case unsnooze(by: PersonID, via: ActionPath)
    /// A person asks for the next step now.
    case escalateNow(by: PersonID, via: ActionPath)
    /// A timer the incident scheduled is due: `.step` (the step timer: "timerDue"),
    /// `.ackReminder` and `.ackTimeout` ("ackTimeoutDue"), `.snoozeEnd` (unsnooze by timer).
    /// A timer that is not the incident's pending one (stale, or delivered twice) changes nothing.
    case timerDue(IncidentTimer)
    /// A page call to a person ended without a key (`answered`) or was not answered (`noAnswer`,
    /// `busy`, `failed`): recorded; unanswered, the person's later contact steps of the page
    /// are due at once ("call, then SMS if unanswered").
    case callOutcome(by: PersonID, outcome: CallOutcome)

    /// A short name for the timeline and logs (`acknowledge`, `timerDue(step)`).
    public var name: String {
        switch self {
        case .alertFiring: "alertFiring"
        case .alertResolved: "alertResolved"
        case .acknowledge: "acknowledge"
        case .resolve: "resolve"
        case .snooze: "snooze"
        case .unsnooze: "unsnooze"
        case .escalateNow: "escalateNow"
        case .timerDue(let t): "timerDue(\(t.kind.rawValue))"
        case .callOutcome: "callOutcome"
        }
    }
}

/// How a page call ended, as the providers' callbacks report it.
public enum CallOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// Answered, no key pressed (a key is its own command).
    case answered
    case noAnswer = "no_answer"
    case busy
    /// Failed or refused (switched off, unreachable, rejected).
    case failed

    /// Whether the person heard it.
    public var reached: Bool { self == .answered }
}
