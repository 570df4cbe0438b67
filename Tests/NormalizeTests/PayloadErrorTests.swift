import Foundation
import Testing
@testable import AlertCore

/// Wrong shapes are `PayloadError`s naming the JSON path; tolerated variations are not errors.
@Suite struct PayloadErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var kind: IntegrationKind
        var json: String
        var error: String
        var testDescription: String { "\(kind.rawValue): \(json)" }
    }

    static let cases: [Case] = [
        Case(kind: .alertmanager, json: #"{"alerts": [{"labels": ["a"]}]}"#, error: "$.alerts[0].labels: expected an object, got array"),
        Case(kind: .alertmanager, json: #"{"alerts": {"a": 1}}"#, error: "$.alerts: expected an array, got object"),
        Case(kind: .alertmanager, json: #"{"alerts": []}"#, error: "$.alerts: empty array; nothing to notify"),
        Case(kind: .alertmanager, json: #"{"alerts": [{"status": "pending"}]}"#, error: #"$.alerts[0].status: expected "firing" or "resolved", got "pending""#),
        Case(kind: .alertmanager, json: #"{"alerts": [{"labels": {"a": {"b": 1}}}]}"#, error: "$.alerts[0].labels.a: expected a string, got object"),
        Case(kind: .alertmanager, json: #"{"alerts": [{}], "commonAnnotations": 3}"#, error: "$.commonAnnotations: expected an object, got number"),
        Case(kind: .alertmanager, json: #"{"alerts": [{"startsAt": 17}]}"#, error: "$.alerts[0].startsAt: expected a string, got number"),
        Case(kind: .alertmanager, json: #""text""#, error: "expected an object, got string"),
        Case(kind: .grafana, json: #"{"alerts": [{"silenceURL": 1}]}"#, error: "$.alerts[0].silenceURL: expected a string, got number"),
        Case(kind: .grafana, json: #"{"ruleName": "r", "evalMatches": [1]}"#, error: "$.evalMatches[0]: expected an object, got number"),
        Case(kind: .grafana, json: #"{"ruleName": "r", "evalMatches": {}}"#, error: "$.evalMatches: expected an array, got object"),
        Case(kind: .skywalking, json: #"[{"name": "a", "scope": 1}]"#, error: "$[0].scope: expected a string, got number"),
        Case(kind: .skywalking, json: #"[{"name": "a", "recoveryTime": -5}]"#, error: "$[0].recoveryTime: expected epoch milliseconds, got -5.0"),
        Case(kind: .graylog, json: #"{"event": []}"#, error: "$.event: expected an object, got array"),
        Case(kind: .graylog, json: #"{"event": {"priority": "high"}}"#, error: "$.event.priority: expected a number, got string"),
        Case(kind: .formattedWebhook, json: #"{"image_url": ["x"]}"#, error: "$.image_url: expected a string, got array"),
    ]

    @Test(arguments: cases)
    func rejected(_ c: Case) {
        let e = Fixture.payloadError(json: c.json, kind: c.kind)
        #expect(e?.description == c.error)
    }

    @Test func toleratedVariations() throws {
        // Nulls where objects or strings are expected read as absent; numbers as label text.
        let am = try Fixture.normalize(json: #"{"alerts": [{"labels": {"alertname": "X", "n": 3, "z": null}, "annotations": null, "fingerprint": null, "truncatedAlerts": 1e300}], "truncatedAlerts": 1e300}"#, kind: .alertmanager)
        #expect(am[0].labels == ["alertname": "X", "n": "3"])
        #expect(am[0].fingerprint == Fingerprint.ofLabels(["alertname": "X", "n": "3"]))
        #expect(am[0].fields["truncatedAlerts"] != nil, "a huge count does not trap")
        // SkyWalking scopeId as a string, tags as an object.
        let sw = try Fixture.normalize(json: #"[{"name": "a of b", "scopeId": "2", "tags": {"level": "MAJOR"}}]"#, kind: .skywalking)
        #expect(sw[0].fields["service"] == "b" && sw[0].labels == ["level": "MAJOR"] && sw[0].startsAt == Fixture.receivedAtText)
        // Graylog priority as a numeric string.
        let gl = try Fixture.normalize(json: #"{"event": {"priority": "3"}}"#, kind: .graylog)
        #expect(gl[0].severity == "critical")
    }

    /// Fingerprints key dedup across deploys: their composition must not change by accident.
    @Test func fingerprintsArePinned() throws {
        let sw = try Fixture.normalize("skywalking/constructed_sw_relation_scopes.json", kind: .skywalking)
        #expect(sw[0].fingerprint == "b998d38083cec5d0")
        let gl = try Fixture.normalize("graylog/graylog_test_notification_no_backlog_docs.json", kind: .graylog)
        #expect(gl[0].fingerprint == "3a598b10fbcdd95e")
        let gf = try Fixture.normalize("grafana/grafana_legacy_evalmatches_format.json", kind: .grafana)
        #expect(gf[0].fingerprint == "4022b0839abe304f")
    }
}

@Suite struct UsableURLTests {
    @Test(arguments: [
        ("http://prom/graph", "http://prom/graph"),
        ("  http://prom/graph\t", "http://prom/graph"),
        ("", nil),
        ("   ", nil),
        ("http://:9093", nil),
        (" https://:9093/", nil),
        (#"http://x/?a=1\u0026b=2"#, "http://x/?a=1&b=2"),
        ("http://x/磁盘", "http://x/磁盘"),
    ] as [(String, String?)])
    func trimsAndRejectsUnknownHosts(input: String, expected: String?) {
        #expect(AlertmanagerNormalizer.usableURL(input) == expected)
    }
}
