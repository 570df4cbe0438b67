import Foundation
import OnCall
import TimeKit

/// Whom an escalation step (or a message to the team) reaches: any mix of schedules (whoever is
/// on call when the step fires), people (through their contact rules), chat robots by channel and
/// e-mail addresses. Names only: a `Roster` at the firing instant turns them into recipients.
public struct EscalationTargets: Sendable, Hashable, Codable {
    /// Schedule names from `schedules:`.
    public var schedules: [String]
    /// Person ids from `people:`.
    public var people: [PersonID]
    /// Robots (chat channels) and addresses (`email`) per channel, in config order.
    public var channels: [ChannelTarget]

    /// Targets; all optional.
    public init(schedules: [String] = [], people: [PersonID] = [], channels: [ChannelTarget] = []) {
        self.schedules = schedules
        self.people = people
        self.channels = channels
    }

    /// True when nobody at all is named.
    public var isEmpty: Bool { schedules.isEmpty && people.isEmpty && channels.allSatisfy { $0.recipients.isEmpty } }

    /// These targets plus `other`'s, without repeats, in first-seen order.
    public func union(_ other: EscalationTargets) -> EscalationTargets {
        var out = self
        for s in other.schedules where !out.schedules.contains(s) { out.schedules.append(s) }
        for p in other.people where !out.people.contains(p) { out.people.append(p) }
        for t in other.channels {
            for r in t.recipients { out.add(t.channel, r) }
        }
        return out
    }

    /// Adds `recipient` on `channel` unless it is already there.
    public mutating func add(_ channel: Channel, _ recipient: String) {
        if let i = channels.firstIndex(where: { $0.channel == channel }) {
            if !channels[i].recipients.contains(recipient) { channels[i].recipients.append(recipient) }
        } else {
            channels.append(ChannelTarget(channel, [recipient]))
        }
    }
}

/// Recipients on one channel: robot names for chat channels, addresses for `email`.
public struct ChannelTarget: Sendable, Hashable, Codable {
    /// The channel.
    public var channel: Channel
    /// Robot names or e-mail addresses.
    public var recipients: [String]

    /// `recipients` on `channel`.
    public init(_ channel: Channel, _ recipients: [String]) {
        self.channel = channel
        self.recipients = recipients
    }
}

/// An `escalation_policies:` entry: ordered steps that page until someone acknowledges.
/// The state machine that follows it lives in the `Escalation` target (docs/escalation.md).
public struct EscalationPolicy: Sendable {
    /// When a step may fire: days of the week and/or a daily wall-clock window in the policy's
    /// zone (`Restriction` semantics: the days are the window's start days, a window whose end is
    /// not after its start wraps midnight), or, with `outside`, everywhere else.
    public struct Condition: Sendable, Hashable {
        /// The days and hours.
        public var restriction: Restriction
        /// True: the step fires only *outside* the days and hours (a manager step out of office hours).
        public var outside: Bool

        /// A condition over `restriction`, inverted when `outside`.
        public init(_ restriction: Restriction, outside: Bool = false) {
            self.restriction = restriction
            self.outside = outside
        }

        /// Whether a step with this condition fires at `instant` (wall clock of `clock`'s zone).
        public func holds(at instant: Date, in clock: ZoneClock) -> Bool {
            restriction.contains(instant, in: clock) != outside
        }
    }

    /// One step: notify its targets at its urgency, then wait before the next step.
    public struct Step: Sendable {
        /// Whom the step pages.
        public var targets: EscalationTargets
        /// Which contact rules of each person apply.
        public var urgency: Urgency
        /// Milliseconds from this step firing to the next step (or the next loop, or `exhausted`).
        public var waitMillis: Int64
        /// When set, the step fires only while it holds; otherwise it is skipped (not delayed).
        public var condition: Condition?

        /// A step.
        public init(targets: EscalationTargets, urgency: Urgency = .default, waitMillis: Int64, condition: Condition? = nil) {
            self.targets = targets
            self.urgency = urgency
            self.waitMillis = waitMillis
            self.condition = condition
        }
    }

    /// The policy's name, referenced by routes (`escalation_policy:`).
    public var name: String
    /// Wall-clock conversions in the policy's zone (conditions are read in it).
    public var clock: ZoneClock
    /// The steps, in order (at least one).
    public var steps: [Step]
    /// How many more times the steps run after the first pass (0 = once).
    public var repeatCount: Int
    /// The step index (0-based) each repeat starts at.
    public var repeatFrom: Int
    /// An acknowledgement expires after this many milliseconds unless the incident is resolved;
    /// nil = acknowledgements never expire.
    public var ackTimeoutMillis: Int64?
    /// The acknowledger is reminded this long before the acknowledgement expires (0 = no reminder).
    public var ackReminderBeforeMillis: Int64
    /// Whether the source's resolved alert resolves the incident.
    public var resolveOnSourceResolved: Bool
    /// Whether an acknowledgement also resolves the incident: for pages whose only question is
    /// "did it reach someone" (confirmed shifts), so nothing stays open once answered.
    public var resolveOnAcknowledge: Bool
    /// Who is told "still open, nobody acknowledged" when the steps run out (never empty).
    public var exhausted: EscalationTargets
    /// Who is told of acknowledgements, resolutions and expiries (besides those paged);
    /// `team:` in the config, else the `exhausted` targets.
    public var team: EscalationTargets

    /// A policy. `team` defaults to `exhausted`.
    public init(
        name: String, timeZone: TimeZone = .gmt, steps: [Step], repeatCount: Int = 0, repeatFrom: Int = 0,
        ackTimeoutMillis: Int64? = nil, ackReminderBeforeMillis: Int64 = 300_000, resolveOnSourceResolved: Bool = true,
        resolveOnAcknowledge: Bool = false, exhausted: EscalationTargets, team: EscalationTargets? = nil
    ) {
        self.name = name
        clock = ZoneClock(timeZone: timeZone)
        self.steps = steps
        self.repeatCount = repeatCount
        self.repeatFrom = repeatFrom
        self.ackTimeoutMillis = ackTimeoutMillis
        self.ackReminderBeforeMillis = ackReminderBeforeMillis
        self.resolveOnSourceResolved = resolveOnSourceResolved
        self.resolveOnAcknowledge = resolveOnAcknowledge
        self.exhausted = exhausted
        self.team = team ?? exhausted
    }

    /// The policy's zone.
    public var timeZone: TimeZone { clock.timeZone }
}
