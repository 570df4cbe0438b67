import Foundation
import Testing
@testable import AlertCore

extension SampleCase {
    static let alertmanager: [SampleCase] = [
        SampleCase(
            file: "alertmanager/am_firing_escaped_tabs_priority_p0.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing(
                        "4e4c4c3d872bf6d8",
                        "Instance is down. It could happen:\n\\t\\t 1. node_exporter service run is failed\n\\t\\t 2. A critical error has occurred on the Instance, cause instance is down"
                    )
                ],
                facts: { a in
                    // The alert's own summary wins over commonAnnotations (which has "node\_exporter").
                    #expect(!a[0].title.contains("node\\_exporter"))
                    #expect(a[0].labels["priority"] == "P0")
                    #expect(a[0].severity == "unknown")
                    #expect(a[0].fields["receiver"] == "web.hook-P0")
                    #expect(a[0].fields["truncatedAlerts"] == nil)
                    #expect(a[0].startsAt == "2022-12-02T10:00:20.381Z")
                    #expect(a[0].links.map(\.title) == ["Source", "Alertmanager"])
                    #expect(a[0].link("Alertmanager") == "http://infra0:9093")
                })),
        SampleCase(
            file: "alertmanager/am_firing_single_blackbox_probe.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing("1a30ba71cca2921f", "BlackBox Probe Failure: https://server.example.org")
                ],
                facts: { a in
                    #expect(a[0].severity == "critical")
                    // Published double-escaped (a literal "\u0026"); repaired in the link.
                    #expect(a[0].link("Source") == "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0&g0.tab=1")
                    #expect(a[0].fields["groupKey"] == "{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}")
                    #expect(a[0].message == "Instance https://server.example.org has been down for over 5m. Job: http_checks")
                })),
        SampleCase(
            file: "alertmanager/am_firing_three_alerts_no_fingerprint.json", kind: .alertmanager,
            expected: .alerts(
                ["172.29.254.30", "172.29.254.50", "172.29.254.66"].map { ip in
                    .firing(
                        Fingerprint.ofLabels([
                            "alertname": "ICMP ping failed", "instance": ip, "job": "blackbox-icmp", "monitor": "monis",
                            "severity": "major", "tags": "icmp, ping failed", "summary": "No physical connection to \(ip)",
                        ]), "ICMP ping failed")
                },
                facts: { a in
                    #expect(Set(a.map(\.fingerprint)).count == 3)
                    #expect(a[1].message == "172.29.254.50 does not reply to ICMP pings")
                    #expect(a.allSatisfy { $0.severity == "major" && $0.startsAt == "2019-09-27T16:27:56.612666101Z" })
                    // \u0026 decoded; "http://:9093" is no link.
                    #expect(
                        a[0].link("Source") == "http://9ed35ff90bf8:9090/graph?g0.expr=probe_success%7Bjob%3D%22blackbox-icmp%22%7D+%3D%3D+0&g0.tab=1"
                    )
                    #expect(a[0].link("Alertmanager") == nil && a[0].fields["externalURL"] == nil)
                })),
        SampleCase(
            file: "alertmanager/am_firing_two_alerts_chinese_alertname.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing("3407d122c7e8c961", "服务异常告警"),
                    .firing("e069919362a06972", "服务异常告警"),
                ],
                facts: { a in
                    #expect(a[0].message == "[故障] Nginx: nginx-1 服务: cashier_api 节点: 172.18.163.177:8085 down")
                    #expect(a[1].annotations["recovery_description"] == "[已恢复]: 服务: order-server ")
                    #expect(a[0].labels["alertname"] == "服务异常告警")
                    #expect(a[0].fields["groupKey"] == "{}/{app=\"nginx\"}:{alertname=\"服务异常告警\", instance=\"172.18.68.209:58888\"}")
                    #expect(a[0].fields["receiver"] == "web.hook.prometheusalert")
                    #expect(a[1].startsAt == "2023-12-29T10:44:40.492Z")
                })),
        SampleCase(
            file: "alertmanager/am_firing_two_alerts_oncall_example.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing("f404ecabc8dd5cd7", "Instance localhost:8081 down"),
                    .firing("f8f08d4e32c61a9d", "Instance localhost:8082 down"),
                ],
                facts: { a in
                    #expect(a.allSatisfy { $0.links.isEmpty }, "empty generatorURL and externalURL give no links")
                    #expect(a[1].labels["group"] == "canary")
                    #expect(a[0].fields["receiver"] == "combo")
                })),
        SampleCase(
            file: "alertmanager/am_firing_tz_offset_no_fingerprint.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing(
                        Fingerprint.ofLabels(["alertname": "Test", "dc": "eu-west-1", "instance": "localhost:9090", "job": "prometheus24"]), "Test")
                ],
                facts: { a in
                    #expect(a[0].startsAt == "2018-08-03T09:52:26.739266876+02:00")
                    #expect(a[0].link("Source") == "http://example.com:9090/graph?g0.expr=go_memstats_alloc_bytes+%3E+0&g0.tab=1")
                    #expect(a[0].message == "some description")
                })),
        SampleCase(
            file: "alertmanager/am_legacy_version3_no_groupkey.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing(
                        Fingerprint.ofLabels([
                            "alertname": "something_happened", "env": "prod", "instance": "server01.int:9100", "job": "node",
                            "service": "prometheus_bot", "severity": "warning", "supervisor": "runit",
                        ]), "Oops, something happened!"),
                    .firing(
                        Fingerprint.ofLabels([
                            "alertname": "something_happened", "env": "staging", "instance": "server02.int:9100", "job": "node",
                            "service": "prometheus_bot", "severity": "warning", "supervisor": "runit",
                        ]), "Oops, something happend!"),
                ],
                facts: { a in
                    #expect(a[0].fields["groupKey"] == nil)
                    #expect(a[0].severity == "warning")
                    #expect(a[0].link("Alertmanager") == "https://alert-manager.example.com")
                })),
        SampleCase(
            file: "alertmanager/am_resolved_single_k8s_deployment.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .resolved("fbab788ec4c1018b", "Kubernetes Deployment Replicas Mismatch")
                ],
                facts: { a in
                    #expect(a[0].endsAt == "2022-07-29T11:17:27.3Z")
                    #expect(a[0].startsAt == "2022-07-29T11:13:27.3Z")
                    #expect(a[0].fields["receiver"] == "web.hook")
                    #expect(a[0].severity == "Warning")
                    #expect(a[0].labels["namespace"] == "eric-eo-cm-ci406")
                })),
        SampleCase(
            file: "alertmanager/constructed_am_envelope_missing_alerts.json", kind: .alertmanager,
            expected: .rejected(path: "$.alerts", reason: "missing field")),
        SampleCase(
            file: "alertmanager/constructed_am_firing_russian_annotations.json", kind: .alertmanager,
            expected: .alerts(
                [
                    .firing("5f3c2a9e0b1d4c77", "Диск почти заполнен на db-01")
                ],
                facts: { a in
                    #expect(a[0].message == "Свободно менее 5% на /var/lib/postgresql (осталось 3.2 ГБ). Проверьте ротацию WAL-журналов.")
                    #expect(a[0].labels["mountpoint"] == "/var/lib/postgresql")
                })),
        // The Alertmanager format read as Grafana: the same group reader.
        SampleCase(
            file: "alertmanager/constructed_am_envelope_missing_alerts.json", kind: .grafana,
            expected: .rejected(path: "$.alerts", reason: "missing field")),
    ]
}
