import Foundation

/// `dedup:` suppression windows, the fingerprint rules that key them, and what to do when Redis
/// is unreachable.
///
/// ```yaml
/// dedup:
///   window: 5m            # the default rule's window, and every rule's unless it sets one
///   repeats_ttl: 24h      # how long suppressed repeats wait for the next alert that passes
///   fail_open: true       # Redis down: forward (true) or hold messages unacked (false)
///   rules:                # first match wins; no match: the alert's own fingerprint
///     - name: graylog-errors
///       match:            # every matcher must hold (same syntax as router routes)
///         - field: source
///           equals: graylog
///       key:              # at least one part; every part must be present in the alert
///         labels: [app, namespace]
///         fields: [pattern]             # alert fields or the source fields (alert.fields)
///         message_regex: '(\w+\.java:\d+)'  # first capture group, else the whole match
///       window: 10m
/// ```
public struct DedupConfig: Sendable {
    /// Window of the default rule (and of rules without their own `window`).
    public var windowMillis: Int64
    /// Redis down: forward (true, the default: a duplicate page beats a lost one) or hold.
    public var failOpen: Bool
    /// How long the repeat counter of a key survives after its last suppressed repeat, waiting
    /// for the next alert that passes to report it. At least every window.
    public var repeatsTTLMillis: Int64
    /// Fingerprint rules, in order; the first whose matchers hold and whose key parts are all
    /// present decides the key.
    public var rules: [DedupRule]

    public init(windowMillis: Int64 = 5 * 60_000, failOpen: Bool = true, repeatsTTLMillis: Int64 = 86_400_000, rules: [DedupRule] = []) {
        self.windowMillis = windowMillis
        self.failOpen = failOpen
        self.repeatsTTLMillis = repeatsTTLMillis
        self.rules = rules
    }

    static func read(_ m: MappingReader?) -> DedupConfig {
        var c = DedupConfig()
        guard let m else { return c }
        c.windowMillis = m.duration("window", default: c.windowMillis, min: 1000)
        c.failOpen = m.bool("fail_open", default: c.failOpen)
        c.repeatsTTLMillis = m.duration("repeats_ttl", default: c.repeatsTTLMillis, min: 1000)
        if c.repeatsTTLMillis < c.windowMillis {
            m.report(
                "repeats_ttl",
                "must be at least the window (\(formatDurationMillis(c.windowMillis))), or repeats are forgotten before they can be reported")
        }
        var names: Set<String> = ["default"]
        for r in m.mappings("rules") {
            if let rule = readRule(r, defaultWindow: c.windowMillis, repeatsTTL: c.repeatsTTLMillis, names: &names) { c.rules.append(rule) }
        }
        m.finish()
        return c
    }

    private static func readRule(_ r: MappingReader, defaultWindow: Int64, repeatsTTL: Int64, names: inout Set<String>) -> DedupRule? {
        let name = r.requiredString("name") ?? ""
        if !name.isEmpty {
            if name.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0))) }) {
                r.report("name", "use letters, digits, '-', '_' and '.' only (it is part of the Redis key)")
            } else if !names.insert(name).inserted {
                r.report("name", "duplicate rule name \"\(name)\"" + (name == "default" ? " (reserved for the built-in rule)" : ""))
            }
        }
        let matchers = RouterConfig.readMatchers(r)
        let window = r.duration("window", default: defaultWindow, min: 1000)
        if window > repeatsTTL {
            r.report(
                "window",
                "longer than dedup.repeats_ttl (\(formatDurationMillis(repeatsTTL))): repeats would be forgotten before they can be reported")
        }
        var key: DedupRule.Key? = nil
        if !r.keys.contains("key") {
            r.report("key", "missing (required): the labels, fields or message_regex that make the key")
        } else if let k = r.mapping("key") {
            let labels = k.stringList("labels") ?? []
            let fields = k.stringList("fields") ?? []
            var messagePattern: MessagePattern? = nil
            if let re = k.string("message_regex") {
                do { messagePattern = try MessagePattern(re) } catch { k.report("message_regex", "invalid regular expression \"\(re)\"") }
            }
            for (list, what) in [(labels, "labels"), (fields, "fields")] {
                for (i, v) in list.enumerated() where v.isEmpty { k.diagnostics.report("\(k.pathOf(what))[\(i)]", "must not be empty") }
            }
            if labels.isEmpty && fields.isEmpty && messagePattern == nil && !k.keys.contains("message_regex") {
                k.diagnostics.report(k.path, "give at least one key part: labels, fields or message_regex", line: k.line)
            }
            k.finish()
            key = DedupRule.Key(labels: labels, fields: fields, messagePattern: messagePattern)
        }
        r.finish()
        guard let key, !name.isEmpty else { return nil }
        return DedupRule(name: name, matchers: matchers, key: key, windowMillis: window)
    }
}
