import Foundation
import Testing
@testable import AlertCore

extension SampleCase {
    static let grafana: [SampleCase] = [
        SampleCase(
            file: "grafana/grafana_firing_single_dashboard_panel_urls.json", kind: .grafana,
            expected: .alerts(
                [
                    .firing("93070e04dcab3ea0", "systemd failures")
                ],
                facts: { a in
                    #expect(a[0].message == "systemctl list-units --failed ;\nsystemctl reset-failed")
                    #expect(a[0].links.map(\.title) == ["Source", "Silence", "Dashboard", "Panel", "Grafana"])
                    #expect(a[0].link("Dashboard") == "https://example.com/grafana/d/hyFvC6y7z")
                    #expect(a[0].link("Panel") == "https://example.com/grafana/d/hyFvC6y7z?viewPanel=2")
                    #expect(
                        a[0].link("Silence")
                            == "https://example.com/grafana/alerting/silence/new?alertmanager=grafana&matcher=alertname%3Dsystemd+failures")
                    #expect(
                        a[0].fields["valueString"]
                            == "[ metric='test-grafana-fail-service.service' labels={name=test-grafana-fail-service.service, state=failed} value=1 ]")
                    #expect(a[0].fields["orgId"] == "1")
                    #expect(a[0].startsAt == "2022-04-08T13:02:06.136489624+02:00")
                })),
        SampleCase(
            file: "grafana/grafana_firing_two_alerts_values_docs.json", kind: .grafana,
            expected: .alerts(
                [
                    .firing("c6eadffa33fcdf37", "This alert was triggered for zone us-1"),
                    .firing("bc97ff14869b13e3", "This alert was triggered for zone eu-1"),
                ],
                facts: { a in
                    #expect(a[0].fields["values"] == "B=44.23943737541908, C=1")
                    #expect(a[0].fields["values.C"] == "1")
                    #expect(a[1].message == "The system has high CPU usage")
                    #expect(a[0].links.map(\.title) == ["Source", "Silence", "Runbook", "Grafana"], "empty dashboard/panel URLs dropped")
                    #expect(a[0].labels["zone"] == "us-1" && a[1].labels["team"] == "blue")
                    #expect(a[1].startsAt == "2021-10-12T09:56:03.157076+02:00")
                    #expect(a[0].fields["receiver"] == "My Super Webhook")
                })),
        SampleCase(
            file: "grafana/grafana_legacy_evalmatches_format.json", kind: .grafana,
            expected: .alerts(
                [
                    .firing(Fingerprint.ofLabels(["ruleId": "0", "ruleName": "Test notification"]), "[Alerting] Test notification")
                ],
                facts: { a in
                    #expect(a[0].message == "Someone is testing the alert notification within grafana.")
                    #expect(a[0].fields["evalMatches"] == "High value=100, Higher Value=200")
                    #expect(a[0].fields["state"] == "alerting")
                    #expect(a[0].labels == ["alertname": "Test notification"])
                    #expect(a[0].link("Rule") == "https://localhost:3000/")
                    #expect(a[0].link("Image") == "http://grafana.org/assets/img/blog/mixed_styles.png")
                    #expect(a[0].startsAt == Fixture.receivedAtText)
                })),
        SampleCase(
            file: "grafana/grafana_resolved_single_valuestring.json", kind: .grafana,
            expected: .alerts(
                [
                    .resolved("93070e04dcab3ea0", "systemd failures")
                ],
                facts: { a in
                    #expect(a[0].endsAt == "2022-04-08T13:14:56.136489624+02:00")
                    #expect(a[0].fields["valueString"] != nil)
                })),
        SampleCase(
            file: "grafana/grafana_test_button_empty_receiver.json", kind: .grafana,
            expected: .alerts(
                [
                    .firing("57c6d9296de2ad39", "Notification test")
                ],
                facts: { a in
                    #expect(a[0].fields["receiver"] == nil, "empty receiver is not a field")
                    #expect(a[0].links.map(\.title) == ["Silence", "Grafana"], "empty generatorURL dropped")
                    #expect(a[0].fields["groupKey"]?.hasPrefix("{alertname=\"TestAlert\", instance=\"Grafana\"}2022-04-05") == true)
                    #expect(a[0].labels["instance"] == "Grafana")
                })),
    ]
}

@Suite struct GrafanaTests {
    @Test func legacyOkResolves() throws {
        let a = try Fixture.normalize(
            json: #"{"ruleId": 7, "ruleName": "CPU", "state": "ok", "title": "[OK] CPU", "evalMatches": []}"#, kind: .grafana)
        #expect(a.count == 1)
        #expect(a[0].status == .resolved && a[0].endsAt == Fixture.receivedAtText)
        #expect(a[0].fingerprint == Fingerprint.ofLabels(["ruleId": "7", "ruleName": "CPU"]))
    }

    @Test func valuesOfWrongKindAreIgnored() throws {
        let a = try Fixture.normalize(json: #"{"alerts": [{"labels": {}, "values": [1, 2]}]}"#, kind: .grafana)
        #expect(a[0].fields["values"] == nil)
        let b = try Fixture.normalize(json: #"{"alerts": [{"values": {"A": {"x": 1}, "B": true, "C": 2.5}}]}"#, kind: .grafana)
        #expect(b[0].fields["values"] == "B=true, C=2.5" && b[0].fields["values.A"] == nil)
    }

    @Test func nullValuesAreAccepted() throws {
        let a = try Fixture.normalize(json: #"{"alerts": [{"labels": {"alertname": "X"}, "values": null}]}"#, kind: .grafana)
        #expect(a[0].fields["values"] == nil && a[0].title == "X" && a[0].status == .firing)
    }
}
