import AlertCore
import Foundation
import TestSupport
import Testing
import YAMLConfig

/// `dedup:` config: defaults, and one bad config per error, each naming its path.
@Suite struct DedupConfigTests {
    @Test func defaults() throws {
        let c = try ConfigLoader.parse("", environment: [:]).dedup
        #expect(c.windowMillis == 300_000)
        #expect(c.failOpen)
        #expect(c.repeatsTTLMillis == 86_400_000)
        #expect(c.rules.isEmpty)
    }

    @Test func aRuleWithoutWindowTakesTheDefault() throws {
        let c = try ConfigLoader.parse(
            """
            dedup:
              window: 2m
              fail_open: false
              repeats_ttl: 1h
              rules:
                - name: a
                  key: {labels: [app]}
                - name: b
                  key: {message_regex: 'x(\\d+)'}
                  window: 30s
            """, environment: [:]
        ).dedup
        #expect(c.rules.map(\.name) == ["a", "b"])
        #expect(c.rules.map(\.windowMillis) == [120_000, 30_000])
        #expect(c.rules[0].matchers.isEmpty)
        #expect(c.rules[1].key.messagePattern?.pattern == "x(\\d+)")
        #expect(!c.failOpen)
        #expect(c.repeatsTTLMillis == 3_600_000)
    }

    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml, environment: [:])
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test(arguments: [
        ("dedup: {rules: [{name: a, key: {message_regex: '('}}]}", "dedup.rules[0].key.message_regex: invalid regular expression \"(\""),
        (
            "dedup: {rules: [{name: a, match: [{label: x, regex: '['}], key: {labels: [x]}}]}",
            "dedup.rules[0].match[0].regex: invalid regular expression"
        ),
        ("dedup: {rules: [{name: a, match: [{label: x}], key: {labels: [x]}}]}", "dedup.rules[0].match[0]: give exactly one of equals"),
        ("dedup: {rules: [{name: a, key: {labels: [x]}, colour: red}]}", "dedup.rules[0].colour: unknown key"),
        ("dedup: {rules: [{name: a, key: {labels: [x], hash: md5}}]}", "dedup.rules[0].key.hash: unknown key"),
        ("dedup: {rules: [{name: a}]}", "dedup.rules[0].key: missing (required)"),
        ("dedup: {rules: [{name: a, key: {}}]}", "dedup.rules[0].key: give at least one key part"),
        ("dedup: {rules: [{name: a, key: {labels: []}}]}", "dedup.rules[0].key: give at least one key part"),
        ("dedup: {rules: [{name: a, key: {labels: [app, '']}}]}", "dedup.rules[0].key.labels[1]: must not be empty"),
        ("dedup: {rules: [{name: a, key: app}]}", "dedup.rules[0].key: expected a mapping"),
        ("dedup: {rules: [{key: {labels: [x]}}]}", "dedup.rules[0].name: missing (required)"),
        ("dedup: {rules: [{name: 'a b', key: {labels: [x]}}]}", "dedup.rules[0].name: use letters, digits"),
        ("dedup: {rules: [{name: a, key: {labels: [x]}}, {name: a, key: {labels: [y]}}]}", "dedup.rules[1].name: duplicate rule name \"a\""),
        ("dedup: {rules: [{name: default, key: {labels: [x]}}]}", "dedup.rules[0].name: duplicate rule name \"default\" (reserved"),
        ("dedup: {rules: [{name: a, key: {labels: [x]}, window: 10ms}]}", "dedup.rules[0].window: expected a duration"),
        ("dedup: {repeats_ttl: 1h, rules: [{name: a, key: {labels: [x]}, window: 2h}]}", "dedup.rules[0].window: longer than dedup.repeats_ttl (1h)"),
        ("dedup: {window: 2h, repeats_ttl: 1h}", "dedup.repeats_ttl: must be at least the window (2h)"),
        ("dedup: {rules: {name: a}}", "dedup.rules: expected a list"),
        ("dedup: {window: soon}", "dedup.window: expected a duration such as 30s, 5m or 1h of at least 1s, got \"soon\""),
        ("dedup: {fail_open: maybe}", "dedup.fail_open: expected true or false, got \"maybe\""),
        ("dedup: {windw: 5m}", "dedup.windw: unknown key"),
    ])
    func badConfigNamesThePath(yaml: String, expected: String) {
        let found = Self.problems(yaml)
        #expect(found.contains { $0.hasPrefix(expected) }, "expected \(expected) in \(found)")
        #expect(found.count == 1, "one problem, one message: \(found)")
    }

    @Test func shippedLocalConfigShowsRules() throws {
        let path = TestEnvironment.root.appendingPathComponent("deploy/local/klaxon.yaml").path
        let c = try ConfigLoader.load(path: path, environment: demoEnvironment(repoRoot: TestEnvironment.root)).dedup
        #expect(c.rules.map(\.name) == ["graylog-errors", "webhook-exceptions", "skywalking-service"])
    }
}
