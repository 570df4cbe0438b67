/// A route: when every matcher matches, notify its targets. Routes are tried in order; the first
/// match wins unless it says `continue: true`. No match: the default route.
public struct Route: Sendable {
    public var name: String
    public var matchers: [Matcher]
    /// Recipients per channel: e-mail addresses for `email`.
    public var targets: [(channel: Channel, recipients: [String])]
    public var continueMatching: Bool

    public init(name: String, matchers: [Matcher], targets: [(channel: Channel, recipients: [String])], continueMatching: Bool = false) {
        self.name = name
        self.matchers = matchers
        self.targets = targets
        self.continueMatching = continueMatching
    }

    public func matches(_ alert: Alert) -> Bool { matchers.allSatisfy { $0.matches(alert) } }
}
