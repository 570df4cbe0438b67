import Foundation
import OnCall

/// One line of an incident's history, as `klaxonctl incident show` prints it.
public struct TimelineEntry: Sendable, Hashable, Codable {
    /// What happened.
    public enum What: Sendable, Hashable, Codable {
        /// The incident opened.
        case opened
        /// A step fired (its pages follow as `paged` entries once the caller resolved them).
        case stepFired(step: Int, loop: Int)
        /// A step's condition was false when it would have fired; the next step was tried at once.
        case stepSkipped(step: Int, loop: Int)
        /// The caller reached these recipients for a step ("channel:recipient" each), with the
        /// schedules that had nobody on call.
        case paged(step: Int, loop: Int, recipients: [String], gaps: [String])
        /// The steps ran out; the team was told.
        case exhausted(loops: Int)
        /// A repeat of the alert attached (the running count).
        case repeatAttached(count: Int)
        /// Acknowledged.
        case acknowledged(by: PersonID, via: ActionPath)
        /// The acknowledger was reminded.
        case ackReminded(by: PersonID)
        /// The acknowledgement expired; paging restarted.
        case ackExpired(by: PersonID)
        /// Snoozed until an instant.
        case snoozed(until: Date, by: PersonID, via: ActionPath)
        /// The snooze ended (`by` nil: its timer).
        case unsnoozed(by: PersonID?, via: ActionPath?)
        /// Escalated by hand.
        case escalated(by: PersonID, via: ActionPath)
        /// The source resolved the alert (the incident too, when the policy says so).
        case sourceResolved(resolvesIncident: Bool)
        /// Resolved by a person.
        case resolved(by: PersonID, via: ActionPath)
        /// The escalator found the incident's watch but not the incident (Redis lost it) and
        /// reopened it from step 0: paged again rather than silenced. `since`: when it first opened.
        case recovered(since: Date)
        /// A page call to a person ended without a key: answered, or not (`noAnswer`, `busy`,
        /// `failed`: their later contact steps were brought forward).
        case callOutcome(by: PersonID, outcome: CallOutcome)
        /// An event that makes no sense in the incident's state; nothing changed.
        case ignored(event: String, status: IncidentStatus)
    }

    /// When.
    public var at: Date
    /// What.
    public var what: What

    /// An entry.
    public init(at: Date, _ what: What) {
        self.at = at
        self.what = what
    }
}
