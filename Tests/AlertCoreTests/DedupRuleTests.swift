import AlertCore
import Foundation
import Testing
import YAMLConfig

/// Fingerprint rules: which key an alert gets. Inline YAML, then a table of alerts.
@Suite struct DedupRuleTests {
    static let yaml = """
        dedup:
          window: 5m
          rules:
            - name: graylog
              match:
                - field: source
                  equals: graylog
              key:
                labels: [app, namespace]
                fields: [pattern]
              window: 10m
            - name: java
              match:
                - field: source
                  equals: webhook
                - label: env
                  regex: prod|staging
              key:
                labels: [app]
                message_regex: '(\\w+\\.java:\\d+)'
            - name: by-integration
              match:
                - field: integration
                  any_of: [zbx-a, zbx-b]
              key:
                fields: [integration, title]
        """

    static let config = try! ConfigLoader.parse(yaml, environment: [:]).dedup

    static func alert(
        source: String = "graylog", integration: String = "gl", fingerprint: String = "fp1", message: String = "",
        title: String = "t", labels: [String: String] = [:], fields: [String: String] = [:],
        status: AlertStatus = .firing
    ) -> Alert {
        Alert(
            id: UUID().uuidString, source: source, integration: integration, status: status, fingerprint: fingerprint, title: title,
            message: message, severity: "critical", labels: labels, annotations: [:], startsAt: "2026-01-01T00:00:00Z",
            endsAt: nil, receivedAt: "2026-01-01T00:00:00Z", links: [], fields: fields)
    }

    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var alert: Alert
        var rule: String
        var window: Int64
        var description: String { name }
    }

    static let gl = ["app": "pay", "namespace": "prod"]
    static let cases: [Case] = [
        Case(name: "graylog with every part", alert: alert(labels: gl, fields: ["pattern": "Pay.java:42"]), rule: "graylog", window: 600_000),
        Case(name: "graylog without pattern falls through to default", alert: alert(labels: gl), rule: "default", window: 300_000),
        Case(
            name: "graylog with an empty label falls through", alert: alert(labels: ["app": "pay", "namespace": ""], fields: ["pattern": "x"]),
            rule: "default", window: 300_000),
        Case(
            name: "webhook in prod with a stack frame",
            alert: alert(source: "webhook", message: "NPE at Pay.java:42 in run", labels: ["app": "pay", "env": "prod"]), rule: "java",
            window: 300_000),
        Case(
            name: "webhook whose message does not match", alert: alert(source: "webhook", message: "timeout", labels: ["app": "pay", "env": "prod"]),
            rule: "default", window: 300_000),
        Case(
            name: "webhook outside the matched env", alert: alert(source: "webhook", message: "at Pay.java:1", labels: ["app": "pay", "env": "dev"]),
            rule: "default", window: 300_000),
        Case(
            name: "regex matchers are anchored", alert: alert(source: "webhook", message: "at Pay.java:1", labels: ["app": "pay", "env": "preprod"]),
            rule: "default", window: 300_000),
        Case(
            name: "integration any_of with fields", alert: alert(source: "zabbix", integration: "zbx-b", title: "CPU"), rule: "by-integration",
            window: 300_000),
        Case(name: "no rule: the source's fingerprint", alert: alert(source: "alertmanager", integration: "am"), rule: "default", window: 300_000),
    ]

    @Test(arguments: cases) func ruleAndWindow(_ c: Case) {
        let k = Self.config.key(for: c.alert)
        #expect(k.rule == c.rule)
        #expect(k.windowMillis == c.window)
        if c.rule == "default" { #expect(k.key == "fp:\(c.alert.fingerprint)") } else { #expect(k.key.hasPrefix("rule:\(c.rule):")) }
    }

    @Test func sameKeyPartsSameKeyWhateverElseDiffers() {
        let a = Self.alert(fingerprint: "a", message: "one", labels: Self.gl.merging(["pod": "p1"]) { $1 }, fields: ["pattern": "Pay.java:42"])
        let b = Self.alert(fingerprint: "b", message: "two", labels: Self.gl.merging(["pod": "p2"]) { $1 }, fields: ["pattern": "Pay.java:42"])
        let c = Self.alert(fingerprint: "a", labels: Self.gl, fields: ["pattern": "Pay.java:43"])
        #expect(Self.config.key(for: a) == Self.config.key(for: b))
        #expect(Self.config.key(for: a) != Self.config.key(for: c))
    }

    @Test func resolvedGetsTheSameKeyAsFiring() {
        let firing = Self.alert(labels: Self.gl, fields: ["pattern": "X.java:1"])
        var resolved = firing
        resolved.status = .resolved
        #expect(Self.config.key(for: firing) == Self.config.key(for: resolved))
    }

    @Test func messageCaptureIsTheFirstGroup() {
        let a = Self.alert(source: "webhook", message: "boom at Pay.java:42 (retry 1)", labels: ["app": "pay", "env": "prod"])
        let b = Self.alert(source: "webhook", message: "boom at Pay.java:42 (retry 2)", labels: ["app": "pay", "env": "prod"])
        let c = Self.alert(source: "webhook", message: "boom at Pay.java:43 (retry 1)", labels: ["app": "pay", "env": "prod"])
        #expect(Self.config.key(for: a) == Self.config.key(for: b))
        #expect(Self.config.key(for: a) != Self.config.key(for: c))
    }

    @Test func partsAreNotAmbiguousByConcatenation() {
        let rule = DedupRule(name: "r", key: .init(labels: ["a", "b"]), windowMillis: 1000)
        let one = Self.alert(labels: ["a": "x;", "b": "y"])
        let two = Self.alert(labels: ["a": "x", "b": ";y"])
        #expect(rule.key(for: one) != nil)
        #expect(rule.key(for: one) != rule.key(for: two))
    }

    @Test func withoutAFingerprintTheDefaultHashesTheSortedLabels() {
        let a = Self.alert(source: "alertmanager", fingerprint: "", labels: ["x": "1", "y": "2"])
        let k = DedupConfig().key(for: a)
        #expect(k == DedupKey(rule: "default", key: "fp:\(Fingerprint.ofLabels(["y": "2", "x": "1"]))", windowMillis: 300_000))
    }

    @Test func keysAreStableAcrossRuns() {
        // The key is stored in Redis and shared by replicas and releases: it must not depend on
        // hashing seeds or dictionary order.
        let a = Self.alert(labels: ["namespace": "prod", "app": "pay"], fields: ["pattern": "Pay.java:42"])
        #expect(Self.config.key(for: a).key == "rule:graylog:\(Fingerprint.hash("l3:app3:pay;l9:namespace4:prod;f7:pattern11:Pay.java:42;"))")
    }
}

/// Turning Redis' answers into decisions, and what an outage means.
@Suite struct DedupDecisionTests {
    @Test(arguments: [
        (Int64(-1), DedupDecision.suppressed),
        (0, .passed(suppressedRepeats: 0)),
        (37, .passed(suppressedRepeats: 37)),
    ])
    func firing(reply: Int64, expected: DedupDecision) {
        #expect(DedupDecision.firing(reply: reply) == expected)
    }

    @Test func reporting() {
        #expect(DedupDecision.passed(suppressedRepeats: 0).repeatsToReport == nil)
        #expect(DedupDecision.passed(suppressedRepeats: 3).repeatsToReport == 3)
        #expect(DedupDecision.resolved(reply: 5).repeatsToReport == 5)
        #expect(DedupDecision.resolved(reply: -1) == .resolved(suppressedRepeats: 0))
        #expect(!DedupDecision.suppressed.forwards)
        #expect(DedupDecision.failOpen.forwards && DedupDecision.resolved(suppressedRepeats: 0).forwards)
        #expect(
            Set([DedupDecision.passed(suppressedRepeats: 1), .suppressed, .resolved(suppressedRepeats: 0), .failOpen].map(\.metricLabel))
                == Set(DedupDecision.metricLabels))
    }

    @Test(arguments: [
        (true, false, RedisOutagePolicy.failOpen),
        (true, true, .failOpen),
        (false, false, .hold),
        (false, true, .giveBack),
    ])
    func outage(failOpen: Bool, stopping: Bool, expected: RedisOutagePolicy) {
        #expect(RedisOutagePolicy.decide(failOpen: failOpen, stopping: stopping) == expected)
    }
}
