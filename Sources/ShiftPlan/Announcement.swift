import AlertCore
import Foundation
import OnCall

/// One message `klaxon-shift` publishes: one text to one recipient on one channel, due at an
/// instant. The id is deterministic (schedule, kind, boundary, channel, recipient), so every
/// replica computes the same one and a channel worker delivers it once however often it is
/// published.
public struct Announcement: Sendable, Hashable {
    /// What it announces; the raw value is the notification's `incident.kind`, which the
    /// templates put in the headline (`[SHIFT START] On call: db-primary`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// To the incoming person, at the start of their shift.
        case start = "shift_start"
        /// To the outgoing person, at the end of their shift.
        case end = "shift_end"
        /// To the incoming person, ahead of their shift (`remind_before`).
        case reminder = "shift_reminder"
        /// To the team's channels, at every instant the on-call set changes.
        case handover
        /// To the team's channels, Mondays 09:00 in the schedule's zone: the gaps of the next 14 days.
        case gaps = "oncall_gaps"
        /// To a person whose shifts within the next 14 days were moved.
        case change = "roster_change"
        /// `confirm_policy`: at the start of a shift, an incident for the incoming person opened
        /// through that escalation policy (`channel` is `escalation`, `recipient` the policy).
        case confirm = "shift_confirm"
    }

    /// The `channel` of a `confirm` announcement: it goes to the escalator, not a channel worker.
    public static let escalationChannel = "escalation"

    /// The notification id: `Fingerprint.hash(seed, channel, recipient)`.
    public var id: String
    public var kind: Kind
    public var schedule: String
    /// When to publish it.
    public var due: Date
    /// The boundary (or report instant) it is about.
    public var boundary: Date
    /// `email`, `dingtalk`, …
    public var channel: String
    /// The address or robot name.
    public var recipient: String
    /// Whom a robot message @-mentions.
    public var mentions: [String]
    /// The person it is for or about (`nil` for team messages).
    public var person: PersonID?
    /// The line a reader sees, with times in the reader's zone.
    public var text: String
    /// For `handover`: the previous hand-over (the start of the shift that ended), for the
    /// summary of what paged during it.
    public var since: Date? = nil
}
