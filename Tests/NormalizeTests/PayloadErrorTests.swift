import Foundation
import Testing
@testable import AlertCore

/// What is still rejected (see `docs/contracts.md`, "What the gateway accepts") is a
/// `PayloadError` naming the JSON path; tolerated variations are not errors (more of them, per
/// source, in `LenientPayloadTests`).
@Suite struct PayloadErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var kind: IntegrationKind
        var json: String
        var error: String
        var testDescription: String { "\(kind.rawValue): \(json)" }
    }

    static let cases: [Case] = [
        Case(kind: .alertmanager, json: #"{"alerts": {"a": 1}}"#, error: "$.alerts: expected an array, got object"),
        Case(kind: .alertmanager, json: #"{"alerts": []}"#, error: "$.alerts: empty array; nothing to notify"),
        Case(kind: .alertmanager, json: #"{"alerts": null}"#, error: "$.alerts: missing field; an Alertmanager webhook carries an array of alerts"),
        Case(kind: .alertmanager, json: #"{"alerts": [{}, "x"]}"#, error: "$.alerts[1]: expected an object, got string"),
        Case(kind: .alertmanager, json: #""text""#, error: "expected an object, got string"),
        Case(kind: .grafana, json: #"{"alerts": [7]}"#, error: "$.alerts[0]: expected an object, got number"),
        Case(kind: .grafana, json: #"[]"#, error: "expected an object, got array"),
        Case(kind: .skywalking, json: #"[{"name": "a"}, null]"#, error: "$[1]: expected an object, got null"),
        Case(kind: .skywalking, json: #"[]"#, error: "empty array; nothing to notify"),
        Case(kind: .graylog, json: #"{"event": "e"}"#, error: "$.event: expected an object, got string"),
        Case(kind: .zabbix, json: #"true"#, error: "expected an object, got boolean"),
        Case(kind: .webhook, json: #"3"#, error: "expected an object, got number"),
        Case(kind: .formattedWebhook, json: #"["x"]"#, error: "expected an object, got array"),
    ]

    @Test(arguments: cases)
    func rejected(_ c: Case) {
        let e = Fixture.payloadError(json: c.json, kind: c.kind)
        #expect(e?.description == c.error)
    }

    @Test func toleratedVariations() throws {
        // Nulls where objects or strings are expected read as absent; numbers as label text.
        let am = try Fixture.normalize(
            json:
                #"{"alerts": [{"labels": {"alertname": "X", "n": 3, "z": null}, "annotations": null, "fingerprint": null, "truncatedAlerts": 1e300}], "truncatedAlerts": 1e300}"#,
            kind: .alertmanager)
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
    @Test(
        arguments: [
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
