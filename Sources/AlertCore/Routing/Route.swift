import OnCall

/// A route: when every matcher matches, notify its targets. Routes are tried in order; the first
/// match wins unless it says `continue: true`. No match: the default route.
public struct Route: Sendable {
    /// Who hears about an alert when a schedule the route notifies has nobody on call.
    public struct Fallback: Sendable {
        public var targets: [(channel: Channel, recipients: [String])]
        public var people: [PersonID]
        public init(targets: [(channel: Channel, recipients: [String])] = [], people: [PersonID] = []) {
            self.targets = targets
            self.people = people
        }
    }

    public var name: String
    public var matchers: [Matcher]
    /// Recipients per channel: e-mail addresses for `email`, robot names for chat channels.
    public var targets: [(channel: Channel, recipients: [String])]
    public var continueMatching: Bool
    /// Name of a `templates:` set for this route's notifications; `nil`: the robot's or the default.
    public var template: String?
    /// Phone numbers chat robots @mention for this route's firing alerts (added to the robot's).
    public var mentionMobiles: [String]
    /// Severities for which chat robots mention everyone (`isAtAll`), added to the robot's.
    public var atAllSeverities: [String]
    /// Schedules whose people on call (when the alert is routed) are notified through their
    /// contact rules; the route's robots also @mention them.
    public var schedules: [String] = []
    /// People notified through their contact rules.
    public var people: [PersonID] = []
    /// Which contact rules of each person apply.
    public var urgency: Urgency = .default
    /// Notified when a schedule of this route has nobody on call (required with `schedules`).
    public var fallback: Fallback? = nil
    /// The `escalation_policies:` entry this route hands its alerts to (`escalation_policy:`):
    /// they open incidents that page until someone acknowledges; `nil`: notify once.
    public var escalationPolicy: String? = nil

    public init(
        name: String, matchers: [Matcher], targets: [(channel: Channel, recipients: [String])], continueMatching: Bool = false,
        template: String? = nil, mentionMobiles: [String] = [], atAllSeverities: [String] = []
    ) {
        self.name = name
        self.matchers = matchers
        self.targets = targets
        self.continueMatching = continueMatching
        self.template = template
        self.mentionMobiles = mentionMobiles
        self.atAllSeverities = atAllSeverities
    }

    public func matches(_ alert: Alert) -> Bool { matchers.allSatisfy { $0.matches(alert) } }
}
