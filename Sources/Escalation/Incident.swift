import AlertCore
import Foundation
import OnCall

/// Where an incident stands.
public enum IncidentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Paging: steps fire when due.
    case triggered
    /// Someone took it: no more steps (until the acknowledgement expires, if the policy says so).
    case acknowledged
    /// Paused until an instant, then paging resumes from the current step.
    case snoozed
    /// Over. Nothing changes it any more; a new firing alert opens a new incident.
    case resolved
}

/// The path an action by a person came through. Every path is one event type on one queue.
public enum ActionPath: String, Sendable, Hashable, Codable, CaseIterable {
    /// A signed link's page in a notification.
    case link
    /// `klaxonctl incident …`.
    case cli
    /// `POST /api/v1/incidents/ID/…`.
    case api
    /// A key pressed during a voice call.
    case phoneKey
    /// A chat robot's button or command.
    case chat
}

/// Who acknowledged, how and when.
public struct Acknowledgement: Sendable, Hashable, Codable {
    /// The person.
    public var by: PersonID
    /// The path.
    public var via: ActionPath
    /// When.
    public var at: Date

    /// An acknowledgement.
    public init(by: PersonID, via: ActionPath, at: Date) {
        self.by = by
        self.via = via
        self.at = at
    }
}

/// The one timer an incident may have pending; what it is for and when it is due.
public struct IncidentTimer: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What happens when it fires.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The next step (or next loop, or `exhausted`) is due.
        case step
        /// A snooze ends: paging resumes.
        case snoozeEnd
        /// Remind the acknowledger that their acknowledgement is about to expire.
        case ackReminder
        /// The acknowledgement expires: paging restarts.
        case ackTimeout
    }

    /// What it is for.
    public var kind: Kind
    /// When it is due.
    public var at: Date

    /// A timer of `kind` due `at`.
    public init(_ kind: Kind, at: Date) {
        self.kind = kind
        self.at = at
    }

    /// `step@2026-03-30T07:30:00Z`.
    public var description: String { "\(kind.rawValue)@\(Timestamps.format(at))" }
}

/// One incident: one (escalation policy, alert fingerprint) while unresolved. A value: the
/// escalator loads it, applies `transition(_:event:now:policy:)`, stores the result and performs
/// the actions. Everything in it is deterministic given the events and their instants, so every
/// replica that applies the same events computes the same incident and the same notification ids.
public struct Incident: Sendable, Hashable, Codable {
    /// `Incident.id(policy:fingerprint:generation:)`.
    public var id: String
    /// The policy's name.
    public var policy: String
    /// The alert fingerprint the incident groups.
    public var fingerprint: String
    /// How many incidents of this (policy, fingerprint) came before (a firing alert after a
    /// resolved incident opens the next generation).
    public var generation: Int
    /// Where it stands.
    public var status: IncidentStatus
    /// The index of the step fired last (the current step).
    public var step: Int
    /// Which pass over the steps: 0 is the first, each repeat adds one.
    public var loop: Int
    /// Bumped each time paging restarts over steps already paged (snooze ended, acknowledgement
    /// expired, escalate-now wrapping past the end) so those pages get new notification ids, while
    /// redelivery of one firing keeps its ids.
    public var round: Int
    /// When the current step fired (or was skipped to).
    public var stepFiredAt: Date
    /// Whether the team was told the steps ran out in this run (told once per run).
    public var exhaustedNotified: Bool
    /// The pending timer, if any (at most one).
    public var timer: IncidentTimer?
    /// The current acknowledgement (while `acknowledged`).
    public var ack: Acknowledgement?
    /// The end of the current snooze (while `snoozed`).
    public var snoozedUntil: Date?
    /// Repeats of the alert attached to the incident (each counted, none paged).
    public var repeats: Int
    /// Whether the source sent its resolved alert.
    public var sourceResolved: Bool
    /// Everyone paged so far (people, robots, addresses): told when the incident is resolved.
    public var paged: EscalationTargets
    /// When it opened.
    public var openedAt: Date
    /// When it was resolved.
    public var resolvedAt: Date?
    /// Everything that happened, oldest first.
    public var timeline: [TimelineEntry]

    /// The id of the incident for `fingerprint` under `policy`: stable, so every replica that
    /// opens it for the same alert agrees.
    public static func id(policy: String, fingerprint: String, generation: Int = 0) -> String {
        Fingerprint.hash("incident\u{0}\(policy)\u{0}\(fingerprint)\u{0}\(generation)")
    }

    /// The due timer, if `timer` is exactly it (stale and duplicate timer events compare unequal).
    public func isPending(_ t: IncidentTimer) -> Bool { timer == t }
}
