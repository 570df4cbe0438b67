import Foundation
import Testing
@testable import AlertCore

extension SampleCase {
    static let zabbix: [SampleCase] = [
        SampleCase(
            file: "zabbix/constructed_zabbix_oncall_script_problem.json", kind: .zabbix,
            expected: .alerts(
                [
                    .firing("4827", "Problem: High CPU utilization (over 90% for 5m) ONCALL_GROUP: 4827")
                ],
                facts: { a in
                    #expect(a[0].message.hasPrefix("Problem started at 08:30:12 on 2026.01.02\nProblem name: High CPU"))
                    #expect(a[0].fields["state"] == "alerting" && a[0].fields["alert_uid"] == "4827")
                    #expect(a[0].startsAt == Fixture.receivedAtText)
                })),
        SampleCase(
            file: "zabbix/constructed_zabbix_oncall_script_resolved.json", kind: .zabbix,
            expected: .alerts(
                [
                    .resolved("4827", "Resolved in 12m 3s: High CPU utilization (over 90% for 5m) ONCALL_GROUP: 4827")
                ],
                facts: { a in
                    #expect(a[0].endsAt == Fixture.receivedAtText)
                })),
        SampleCase(
            file: "zabbix/zabbix_flat_problem_event_status_1.json", kind: .zabbix,
            expected: .alerts(
                [
                    .firing("TEST-001", "Camera offline test")
                ],
                facts: { a in
                    #expect(a[0].severity == "disaster")
                    #expect(a[0].labels == ["host": "Test Camera"])
                    #expect(a[0].startsAt == "2026-01-02T08:30:00Z")
                    #expect(a[0].fields["host_ip"] == "192.168.1.100" && a[0].fields["event_status"] == "1")
                })),
    ]
}

@Suite struct ZabbixTests {
    static let macroStyle = #"""
        {"EVENT.ID": "9001", "EVENT.VALUE": "1", "EVENT.SEVERITY": "High", "EVENT.NAME": "Disk full on db-1",
         "HOST.NAME": "db-1", "EVENT.DATE": "2026.01.02", "EVENT.TIME": "16:30:12", "TRIGGER.STATUS": "PROBLEM",
         "EVENT.TAGSJSON": "[{\"tag\":\"service\",\"value\":\"mysql\"},{\"tag\":\"team\",\"value\":\"dba\"}]",
         "alert_message": "Free space below 5%", "url": "https://zabbix.example/tr_events.php?eventid=9001"}
        """#

    @Test func macroNamedKeysTagsAndLocalDate() throws {
        let a = try Fixture.normalize(json: Self.macroStyle, kind: .zabbix, timeZone: Fixture.shanghai)
        #expect(a.count == 1)
        #expect(a[0].status == .firing && a[0].fingerprint == "9001" && a[0].title == "Disk full on db-1")
        #expect(a[0].labels == ["service": "mysql", "team": "dba", "host": "db-1"])
        #expect(a[0].severity == "High" && a[0].message == "Free space below 5%")
        // Server-local 16:30:12 in Asia/Shanghai is 08:30:12 UTC.
        #expect(a[0].startsAt == "2026-01-02T08:30:12.000Z")
        #expect(a[0].link("Zabbix") == "https://zabbix.example/tr_events.php?eventid=9001")
        #expect(a[0].fields["EVENT.TAGSJSON"] == nil && a[0].fields["HOST.NAME"] == "db-1")
    }

    struct ResolveCase: Sendable, CustomTestStringConvertible {
        var json: String
        var resolved: Bool
        var testDescription: String { json }
    }

    static let resolveCases: [ResolveCase] = [
        ResolveCase(json: #"{"EVENT.ID": "1", "EVENT.VALUE": "0"}"#, resolved: true),
        ResolveCase(json: #"{"EVENT.ID": "1", "EVENT.VALUE": "1"}"#, resolved: false),
        ResolveCase(json: #"{"event_id": "1", "event_status": "0"}"#, resolved: true),
        ResolveCase(json: #"{"event_id": "1", "event_status": "RESOLVED"}"#, resolved: true),
        ResolveCase(json: #"{"event_id": "1", "event_status": "PROBLEM"}"#, resolved: false),
        ResolveCase(json: #"{"event_id": "1", "TRIGGER.STATUS": "OK"}"#, resolved: true),
        ResolveCase(json: #"{"alert_uid": "1", "state": "OK"}"#, resolved: true),
        ResolveCase(json: #"{"alert_uid": "1", "subject": "Resolved: disk full"}"#, resolved: true),
        ResolveCase(json: #"{"alert_uid": "1", "title": "Problem: disk full"}"#, resolved: false),
        ResolveCase(json: #"{"eventid": 5, "eventvalue": 0}"#, resolved: true),
    ]

    @Test(arguments: resolveCases)
    func resolveSignals(_ c: ResolveCase) throws {
        let a = try Fixture.normalize(json: c.json, kind: .zabbix)
        #expect(a[0].status == (c.resolved ? .resolved : .firing))
        #expect(a[0].fingerprint == (c.json.contains("5") ? "5" : "1"))
    }

    @Test func tagShapes() throws {
        var a = try Fixture.normalize(json: #"{"event_id": "1", "tags": "app:web, env:prod, flag"}"#, kind: .zabbix)
        #expect(a[0].labels == ["app": "web", "env": "prod", "flag": ""])
        a = try Fixture.normalize(json: #"{"event_id": "1", "tags": [{"tag": "app", "value": "web"}]}"#, kind: .zabbix)
        #expect(a[0].labels == ["app": "web"])
        a = try Fixture.normalize(json: #"{"event_id": "1", "tags": "{EVENT.TAGSJSON}"}"#, kind: .zabbix)
        #expect(a[0].labels.isEmpty && a[0].fields["tags"] == "{EVENT.TAGSJSON}", "unexpanded macro kept raw")
    }

    @Test func wrongTypes() throws {
        let e = Fixture.payloadError(json: #"["EVENT.ID"]"#, kind: .zabbix)
        #expect(e?.path == "$" && e?.reason == "expected an object, got array")
        let a = try Fixture.normalize(json: #"{"tags": [1, {"tag": "app", "value": 7}]}"#, kind: .zabbix)
        #expect(a[0].labels == ["app": "7"], "a tag that is not an object is skipped; a number value is text")
    }

    @Test func noIDsFallBackToHostAndTrigger() throws {
        let a = try Fixture.normalize(json: #"{"host_name": "h", "trigger_name": "t", "event_nseverity": "2"}"#, kind: .zabbix)
        #expect(a[0].fingerprint == Fingerprint.ofLabels(["host": "h", "trigger": "t"]))
        #expect(a[0].severity == "warning" && a[0].title == "t")
    }
}
