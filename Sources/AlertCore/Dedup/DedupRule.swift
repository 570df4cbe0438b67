import Foundation

/// One fingerprint rule of `dedup.rules`: which alerts it applies to, what makes two of them
/// "the same alert", and how long repeats of it are suppressed.
public struct DedupRule: Sendable {
    /// The parts of the key, in this order: labels, then fields, then the message capture.
    public struct Key: Sendable {
        /// Names in `alert.labels`.
        public var labels: [String]
        /// `source`, `integration`, `status`, `severity`, `title`, `message`, `fingerprint`, else
        /// a name in `alert.fields` (Graylog's `pattern`, SkyWalking's `service`, …); the same
        /// names a router `field` matcher reads.
        public var fields: [String]
        /// Searched in `alert.message` (not anchored): the first capture group that took part,
        /// else the whole match.
        public var messagePattern: MessagePattern?

        public init(labels: [String] = [], fields: [String] = [], messagePattern: MessagePattern? = nil) {
            self.labels = labels
            self.fields = fields
            self.messagePattern = messagePattern
        }
    }

    public var name: String
    /// Every matcher must hold; none means every alert.
    public var matchers: [Matcher]
    public var key: Key
    public var windowMillis: Int64

    public init(name: String, matchers: [Matcher] = [], key: Key, windowMillis: Int64) {
        self.name = name
        self.matchers = matchers
        self.key = key
        self.windowMillis = windowMillis
    }

    /// The rule's key for `alert`, or `nil` when a matcher fails or a key part is missing (an
    /// absent or empty label or field, or a message the regex does not match). A missing part
    /// never collapses unrelated alerts into one key: the next rule is tried instead.
    public func key(for alert: Alert) -> String? {
        guard matchers.allSatisfy({ $0.matches(alert) }) else { return nil }
        // Each part is tagged and length-prefixed, so no two different part lists hash alike
        // by concatenation (`a=b,c` vs `a=b`,`c`).
        var text = ""
        func add(_ tag: String, _ name: String, _ value: String?) -> Bool {
            guard let value, !value.isEmpty else { return false }
            text += "\(tag)\(name.utf8.count):\(name)\(value.utf8.count):\(value);"
            return true
        }
        for l in key.labels where !add("l", l, alert.labels[l]) { return nil }
        for f in key.fields where !add("f", f, Matcher.field(f, of: alert)) { return nil }
        if let p = key.messagePattern, !add("m", "", p.extract(from: alert.message)) { return nil }
        return "rule:\(name):\(Fingerprint.hash(text))"
    }
}

/// What dedup keys an alert by: the identity of its window in Redis, and that window's length.
public struct DedupKey: Sendable, Equatable, CustomStringConvertible {
    /// The rule that made the key (`default` for the built-in one).
    public var rule: String
    /// Identity of the window, unique within a namespace: `fp:<fingerprint>` from the default
    /// rule, `rule:<name>:<16 hex digits>` from a configured rule.
    public var key: String
    public var windowMillis: Int64

    public init(rule: String, key: String, windowMillis: Int64) {
        self.rule = rule
        self.key = key
        self.windowMillis = windowMillis
    }

    public var description: String { "\(key) (\(rule), \(formatDurationMillis(windowMillis)))" }
}

extension DedupConfig {
    /// The key of `alert`: the first rule that matches and finds every key part, else the
    /// default rule: the alert's own fingerprint (the source's, or the normalizer's stable hash
    /// of the sorted labels), or that hash computed here when a message arrives without one.
    public func key(for alert: Alert) -> DedupKey {
        for rule in rules {
            if let k = rule.key(for: alert) { return DedupKey(rule: rule.name, key: k, windowMillis: rule.windowMillis) }
        }
        let fp = alert.fingerprint.isEmpty ? Fingerprint.ofLabels(alert.labels) : alert.fingerprint
        return DedupKey(rule: "default", key: "fp:\(fp)", windowMillis: windowMillis)
    }
}
