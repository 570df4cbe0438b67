import Foundation
import Testing
@testable import AlertCore

/// Integration config keys for the normalizers, read through `KlaxonConfig.read` from
/// `ConfigNode` values built here (no YAML parser in AlertCore's tests).
@Suite struct IntegrationConfigTests {
    static let env = ["TOK": "0123456789abcdef0123"]

    static func s(_ v: String) -> ConfigNode { .scalar(v, line: 1) }
    static func map(_ e: [(String, ConfigNode)]) -> ConfigNode { .mapping(e.map { (key: $0.0, value: $0.1) }, line: 1) }
    static func list(_ items: [ConfigNode]) -> ConfigNode { .sequence(items, line: 1) }

    /// A document with one integration of `kind` plus `extra` keys.
    static func document(kind: String, _ extra: [(String, ConfigNode)]) -> ConfigNode {
        map([("integrations", list([map([("name", s("i1")), ("kind", s(kind)), ("token_env", s("TOK"))] + extra)]))])
    }

    static func read(kind: String, _ extra: [(String, ConfigNode)]) throws(ConfigError) -> IntegrationConfig {
        try KlaxonConfig.read(document(kind: kind, extra), environment: env).integrations[0]
    }

    /// The issues reading reports; records an issue when it succeeds.
    static func issues(kind: String, _ extra: [(String, ConfigNode)], sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigIssue] {
        do {
            _ = try read(kind: kind, extra)
            Issue.record("expected config errors", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    @Test(arguments: IntegrationKind.allCases)
    func everyKindIsAccepted(_ kind: IntegrationKind) throws {
        let c = try Self.read(kind: kind.rawValue, [("time_zone", Self.s("Asia/Shanghai"))])
        #expect(c.kind == kind && c.timeZone.identifier == "Asia/Shanghai" && c.options == NormalizeOptions())
    }

    @Test func formattedWebhookRawValue() {
        #expect(IntegrationKind(rawValue: "formatted-webhook") == .formattedWebhook)
        #expect(
            IntegrationKind.allCases.map(\.rawValue) == [
                "alertmanager", "grafana", "skywalking", "graylog", "zabbix", "webhook", "formatted-webhook",
            ])
    }

    @Test func messagePattern() throws {
        let c = try Self.read(kind: "graylog", [("message_pattern", Self.s(#"\[([\w.$]+:\d+)\]"#))])
        #expect(c.options.messagePattern?.pattern == #"\[([\w.$]+:\d+)\]"#)
        #expect(c.options.messagePattern?.extract(from: "at [com.example.Foo:42] x") == "com.example.Foo:42")
        let ctx = c.normalizeContext(receivedAt: Fixture.receivedAt, makeID: { "id" })
        #expect(ctx.options == c.options && ctx.integration == "i1" && ctx.receivedAt == Fixture.receivedAt)
    }

    @Test func badMessagePattern() {
        let issues = Self.issues(kind: "graylog", [("message_pattern", Self.s("([a-z"))])
        #expect(issues.map(\.path) == ["integrations[0].message_pattern"])
        #expect(issues.first?.message.contains("not a valid regular expression") == true)
        let empty = Self.issues(kind: "graylog", [("message_pattern", Self.s(""))])
        #expect(empty.map(\.description) == ["integrations[0].message_pattern (line 1): must not be empty"])
    }

    @Test func keysForAnotherKind() {
        var issues = Self.issues(kind: "zabbix", [("message_pattern", Self.s("x"))])
        #expect(issues.map(\.path) == ["integrations[0].message_pattern"])
        #expect(issues.first?.message == "applies only to integrations of kind graylog, not zabbix")
        issues = Self.issues(kind: "graylog", [("mapping", Self.map([("title", Self.s("a"))]))])
        #expect(issues.map(\.path) == ["integrations[0].mapping"])
        #expect(issues.first?.message == "applies only to integrations of kind webhook, not graylog")
    }

    @Test func fullMapping() throws {
        let c = try Self.read(
            kind: "webhook",
            [
                (
                    "mapping",
                    Self.map([
                        ("title", Self.s("data.alert.name")), ("message", Self.s("data.alert.text")), ("severity", Self.s("data.level")),
                        ("status", Self.s("data.status")), ("fingerprint", Self.s("items[0].id")),
                        ("labels", Self.map([("app", Self.s("data.labels.app")), ("env", Self.s("meta.env"))])),
                        ("resolved_values", Self.list([Self.s("CLEARED"), Self.s("ok")])),
                    ])
                )
            ])
        let m = try #require(c.options.webhookMapping)
        #expect(m.title == (try JSONPath("data.alert.name")))
        #expect(m.fingerprint?.description == "$.items[0].id")
        #expect(m.labels.map(\.name) == ["app", "env"])
        #expect(m.resolvedValues == ["CLEARED", "ok"])
    }

    @Test func emptyMappingKeepsDefaults() throws {
        let c = try Self.read(kind: "webhook", [("mapping", Self.map([]))])
        #expect(c.options.webhookMapping == WebhookMapping())
        #expect(try Self.read(kind: "webhook", []).options.webhookMapping == nil)
    }

    @Test func mappingErrorsNameTheirPath() {
        let issues = Self.issues(
            kind: "webhook",
            [
                (
                    "mapping",
                    Self.map([
                        ("title", Self.s("a..b")), ("titel", Self.s("x")), ("status", Self.map([])),
                        ("labels", Self.map([("app", Self.s("x[y]"))])), ("resolved_values", Self.list([])),
                    ])
                )
            ])
        let byPath = Dictionary(issues.map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["integrations[0].mapping.title"]?.hasPrefix("invalid JSON path: empty key") == true)
        #expect(byPath["integrations[0].mapping.titel"] == "unknown key")
        #expect(byPath["integrations[0].mapping.status"] == "expected a string, got a mapping")
        #expect(byPath["integrations[0].mapping.labels.app"]?.hasPrefix("invalid JSON path: array index") == true)
        #expect(byPath["integrations[0].mapping.resolved_values"] == "must list at least one value")
        #expect(issues.count == 5)
    }

    @Test func mappingOfWrongShape() {
        var issues = Self.issues(kind: "webhook", [("mapping", Self.s("data.title"))])
        #expect(issues.map(\.description) == ["integrations[0].mapping (line 1): expected a mapping, got a scalar"])
        issues = Self.issues(kind: "webhook", [("mapping", Self.map([("resolved_values", Self.s("ok"))]))])
        #expect(issues.map(\.path) == ["integrations[0].mapping.resolved_values"])
        issues = Self.issues(kind: "webhook", [("mapping", Self.map([("labels", Self.list([]))]))])
        #expect(issues.map(\.path) == ["integrations[0].mapping.labels"])
    }

    @Test func unknownAndInvalidKind() {
        var issues = Self.issues(kind: "webhook", [("mesage_pattern", Self.s("x"))])
        #expect(issues.map(\.description) == ["integrations[0].mesage_pattern (line 1): unknown key"])
        // An invalid kind is reported once; the per-kind keys are still validated.
        issues = Self.issues(kind: "nagios", [("message_pattern", Self.s("(("))])
        #expect(issues.map(\.path) == ["integrations[0].kind", "integrations[0].message_pattern"])
        #expect(issues.first?.message.contains("formatted-webhook") == true)
    }
}
