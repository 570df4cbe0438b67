import Foundation
import Testing
@testable import AlertCore

/// Per source, variants of fields Klaxon does not need (mistyped, null, empty, missing, label
/// values that are numbers or booleans, unknown statuses, older versions): each is accepted,
/// with the default documented in `docs/contracts.md` ("What the gateway accepts").
@Suite struct LenientPayloadTests {
    /// One expectation on the (first) alert: a name for the message, a reader and a value.
    struct Want: Sendable {
        var name: String
        var value: String?
        var read: @Sendable (Alert) -> String?

        static func field(_ k: String, _ v: String?) -> Want { Want(name: "fields[\(k)]", value: v) { $0.fields[k] } }
        static func label(_ k: String, _ v: String?) -> Want { Want(name: "labels[\(k)]", value: v) { $0.labels[k] } }
        static func annotation(_ k: String, _ v: String?) -> Want { Want(name: "annotations[\(k)]", value: v) { $0.annotations[k] } }
        static func link(_ t: String, _ v: String?) -> Want { Want(name: "link \(t)", value: v) { $0.link(t) } }
        static func status(_ s: AlertStatus) -> Want { Want(name: "status", value: s.rawValue) { $0.status.rawValue } }
        static func title(_ v: String) -> Want { Want(name: "title", value: v) { $0.title } }
        static func message(_ v: String) -> Want { Want(name: "message", value: v) { $0.message } }
        static func severity(_ v: String) -> Want { Want(name: "severity", value: v) { $0.severity } }
        static func fingerprint(_ v: String) -> Want { Want(name: "fingerprint", value: v) { $0.fingerprint } }
        static func startsAt(_ v: String) -> Want { Want(name: "startsAt", value: v) { $0.startsAt } }
        static func endsAt(_ v: String?) -> Want { Want(name: "endsAt", value: v) { $0.endsAt } }
        static func labelCount(_ n: Int) -> Want { Want(name: "label count", value: String(n)) { String($0.labels.count) } }
        static let receivedAt = Fixture.receivedAtText
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var kind: IntegrationKind
        var json: String
        var options = NormalizeOptions()
        var want: [Want]
        var testDescription: String { "\(kind.rawValue): \(json)" }

        init(_ kind: IntegrationKind, _ json: String, options: NormalizeOptions = NormalizeOptions(), _ want: [Want]) {
            self.kind = kind
            self.json = json
            self.options = options
            self.want = want
        }
    }

    static func check(_ c: Case) throws {
        let alerts = try Fixture.normalize(json: c.json, kind: c.kind, options: c.options)
        let a = try #require(alerts.first)
        for w in c.want { #expect(w.read(a) == w.value, "\(w.name)") }
        // Whatever the variant, the alert is whole.
        #expect(Timestamps.parse(a.startsAt) != nil && !a.title.isEmpty && !a.fingerprint.isEmpty)
        #expect((a.status == .resolved) == (a.endsAt != nil))
    }

    static let am = #""labels": {"alertname": "A"}"#

    static let alertmanager: [Case] = [
        Case(.alertmanager, #"{"groupKey": 42, "alerts": [{\#(am)}]}"#, [.field("groupKey", "42"), .title("A")]),
        Case(.alertmanager, #"{"groupKey": null, "alerts": [{\#(am)}]}"#, [.field("groupKey", nil)]),
        Case(.alertmanager, #"{"groupKey": "", "alerts": [{\#(am)}]}"#, [.field("groupKey", nil)]),
        Case(.alertmanager, #"{"groupKey": {"a": 1}, "alerts": [{\#(am)}]}"#, [.field("groupKey", nil)]),
        Case(.alertmanager, #"{"version": 3, "alerts": [{\#(am)}]}"#, [.title("A"), .status(.firing)]),
        Case(.alertmanager, #"{"version": "2", "alerts": [{\#(am)}]}"#, [.title("A")]),
        Case(.alertmanager, #"{"version": null, "alerts": [{\#(am)}]}"#, [.title("A")]),
        Case(.alertmanager, #"{"receiver": 7, "alerts": [{\#(am)}]}"#, [.field("receiver", "7")]),
        Case(.alertmanager, #"{"receiver": ["r"], "alerts": [{\#(am)}]}"#, [.field("receiver", nil)]),
        Case(.alertmanager, #"{"receiver": "", "alerts": [{\#(am)}]}"#, [.field("receiver", nil)]),
        Case(.alertmanager, #"{"externalURL": 9093, "alerts": [{\#(am)}]}"#, [.field("externalURL", nil), .link("Alertmanager", nil)]),
        Case(.alertmanager, #"{"externalURL": null, "alerts": [{\#(am)}]}"#, [.field("externalURL", nil)]),
        Case(.alertmanager, #"{"truncatedAlerts": "3", "alerts": [{\#(am)}]}"#, [.field("truncatedAlerts", "3")]),
        Case(.alertmanager, #"{"truncatedAlerts": "many", "alerts": [{\#(am)}]}"#, [.field("truncatedAlerts", nil)]),
        Case(.alertmanager, #"{"truncatedAlerts": true, "alerts": [{\#(am)}]}"#, [.field("truncatedAlerts", nil)]),
        Case(.alertmanager, #"{"truncatedAlerts": null, "alerts": [{\#(am)}]}"#, [.field("truncatedAlerts", nil)]),
        // Status: unknown fires and is kept; case and whitespace are forgiven; null defers to the group.
        Case(.alertmanager, #"{"status": "weird", "alerts": [{\#(am)}]}"#, [.status(.firing), .field("originalStatus", "weird")]),
        Case(.alertmanager, #"{"alerts": [{"status": "pending", \#(am)}]}"#, [.status(.firing), .field("originalStatus", "pending"), .endsAt(nil)]),
        Case(.alertmanager, #"{"alerts": [{"status": 3, \#(am)}]}"#, [.status(.firing), .field("originalStatus", "3")]),
        Case(
            .alertmanager, #"{"alerts": [{"status": " RESOLVED ", \#(am)}]}"#,
            [.status(.resolved), .field("originalStatus", nil), .endsAt(Want.receivedAt)]),
        Case(.alertmanager, #"{"status": "resolved", "alerts": [{"status": null, \#(am)}]}"#, [.status(.resolved)]),
        Case(.alertmanager, #"{"status": "resolved", "alerts": [{"status": ["x"], \#(am)}]}"#, [.status(.resolved), .field("originalStatus", nil)]),
        Case(.alertmanager, #"{"status": 1, "alerts": [{\#(am)}]}"#, [.status(.firing), .field("originalStatus", "1")]),
        // Labels and annotations: numbers and booleans as text, null and nested values dropped.
        Case(
            .alertmanager,
            #"{"alerts": [{"labels": {"alertname": "A", "port": 9100, "up": false, "ratio": 0.5, "gone": null, "nested": {"a": 1}}}]}"#,
            [.label("port", "9100"), .label("up", "false"), .label("ratio", "0.5"), .label("gone", nil), .label("nested", nil), .labelCount(4)]),
        Case(.alertmanager, #"{"alerts": [{"labels": {"alertname": 42, "severity": true}}]}"#, [.title("42"), .severity("true")]),
        Case(.alertmanager, #"{"alerts": [{"labels": "oops"}]}"#, [.labelCount(0), .title("Alert from test-integration"), .severity("unknown")]),
        Case(.alertmanager, #"{"alerts": [{"labels": null}]}"#, [.labelCount(0)]),
        Case(.alertmanager, #"{"alerts": [{}]}"#, [.labelCount(0), .fingerprint(Fingerprint.ofLabels([:]))]),
        Case(.alertmanager, #"{"commonAnnotations": 3, "alerts": [{\#(am), "annotations": ["x"]}]}"#, [.message(""), .title("A")]),
        Case(
            .alertmanager, #"{"alerts": [{\#(am), "annotations": {"summary": 5, "description": false, "runbook_url": 1}}]}"#,
            [.title("5"), .message("false"), .link("Runbook", "1"), .annotation("summary", "5")]),
        // Times: anything that is not an RFC 3339 string is the receive time.
        Case(.alertmanager, #"{"alerts": [{\#(am), "startsAt": 17}]}"#, [.startsAt(Want.receivedAt)]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "startsAt": "yesterday"}]}"#, [.startsAt(Want.receivedAt)]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "startsAt": ""}]}"#, [.startsAt(Want.receivedAt)]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "startsAt": "2026-01-01T10:00:00+08:00"}]}"#, [.startsAt("2026-01-01T10:00:00+08:00")]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "status": "resolved", "endsAt": "not a time"}]}"#, [.endsAt(Want.receivedAt)]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "status": "resolved", "endsAt": {}}]}"#, [.endsAt(Want.receivedAt)]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "fingerprint": 123}]}"#, [.fingerprint("123")]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "fingerprint": {}}]}"#, [.fingerprint(Fingerprint.ofLabels(["alertname": "A"]))]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "generatorURL": 5}]}"#, [.link("Source", nil)]),
        Case(.alertmanager, #"{"alerts": [{\#(am), "generatorURL": null}]}"#, [.link("Source", nil)]),
    ]

    static let grafana: [Case] = [
        Case(.grafana, #"{"orgId": 1, "alerts": [{\#(am)}]}"#, [.field("orgId", "1")]),
        Case(.grafana, #"{"orgId": {}, "alerts": [{\#(am)}]}"#, [.field("orgId", nil)]),
        Case(.grafana, #"{"version": 1, "state": 5, "title": {}, "message": null, "alerts": [{\#(am)}]}"#, [.title("A"), .status(.firing)]),
        Case(.grafana, #"{"alerts": [{\#(am), "status": "alerting"}]}"#, [.status(.firing), .field("originalStatus", "alerting")]),
        Case(.grafana, #"{"alerts": [{\#(am), "values": [1, 2]}]}"#, [.field("values", nil)]),
        Case(.grafana, #"{"alerts": [{\#(am), "values": "B=1"}]}"#, [.field("values", nil)]),
        Case(
            .grafana, #"{"alerts": [{\#(am), "values": {"A": null, "B": true, "C": {"x": 1}}}]}"#,
            [.field("values", "B=true"), .field("values.C", nil)]),
        Case(
            .grafana, #"{"alerts": [{\#(am), "silenceURL": 1, "dashboardURL": null, "panelURL": [], "imageURL": ""}]}"#,
            [.link("Silence", nil), .link("Dashboard", nil), .link("Panel", nil), .link("Image", nil)]),
        Case(
            .grafana, #"{"alerts": [{\#(am), "valueString": 3, "ruleUID": false, "orgId": null}]}"#,
            [.field("valueString", "3"), .field("ruleUID", "false"), .field("orgId", nil)]),
        // Legacy (pre-8) bodies.
        Case(
            .grafana, #"{"ruleId": 7, "ruleName": 8, "title": 9, "state": null, "evalMatches": null}"#,
            [.title("9"), .status(.firing), .field("ruleId", "7"), .label("alertname", "8"), .field("evalMatches", nil)]),
        Case(
            .grafana, #"{"ruleName": "r", "state": " OK ", "evalMatches": [1, {"metric": "m", "value": 3}, "x"]}"#,
            [.status(.resolved), .field("evalMatches", "m=3"), .title("r")]),
        Case(
            .grafana, #"{"ruleName": "r", "evalMatches": {}, "tags": {"severity": 2, "x": null}, "ruleUrl": 5, "imageUrl": []}"#,
            [.severity("2"), .label("x", nil), .link("Rule", nil), .link("Image", nil)]),
        Case(.grafana, #"{"ruleName": "r", "tags": "a,b", "message": {"x": 1}, "state": 0}"#, [.labelCount(1), .message(""), .field("state", "0")]),
    ]

    static let skywalking: [Case] = [
        Case(.skywalking, #"[{"ruleName": "r", "alarmMessage": null}]"#, [.title("r"), .field("service", nil), .field("name", nil)]),
        Case(.skywalking, #"[{}]"#, [.title("SkyWalking alarm"), .status(.firing), .startsAt(Want.receivedAt)]),
        Case(.skywalking, #"[{"name": 5}]"#, [.field("service", "5"), .title("5")]),
        Case(.skywalking, #"[{"name": ["a"], "alarmMessage": "m"}]"#, [.field("name", nil), .title("m")]),
        Case(.skywalking, #"[{"name": "i of s", "scope": 2}]"#, [.field("scope", "2"), .field("service", "s")]),
        Case(.skywalking, #"[{"name": "i of s", "scopeId": "x"}]"#, [.field("scopeId", "x"), .field("service", "s")]),
        Case(.skywalking, #"[{"name": "s", "startTime": -5}]"#, [.startsAt(Want.receivedAt), .field("startTimeLocal", nil)]),
        Case(.skywalking, #"[{"name": "s", "startTime": "soon"}]"#, [.startsAt(Want.receivedAt)]),
        Case(.skywalking, #"[{"name": "s", "startTime": true}]"#, [.startsAt(Want.receivedAt)]),
        Case(.skywalking, #"[{"name": "s", "startTime": 1e20}]"#, [.startsAt(Want.receivedAt)]),
        Case(.skywalking, #"[{"name": "s", "startTime": "1560524171000"}]"#, [.startsAt("2019-06-14T14:56:11.000Z")]),
        Case(.skywalking, #"[{"name": "s", "recoveryTime": "x"}]"#, [.status(.resolved), .endsAt(Want.receivedAt)]),
        Case(.skywalking, #"[{"name": "s", "recoveryTime": null}]"#, [.status(.firing)]),
        Case(.skywalking, #"[{"name": "s", "tags": "oops"}]"#, [.labelCount(0)]),
        Case(
            .skywalking, #"[{"name": "s", "tags": [{"key": "level", "value": 3}, {"key": null}, 7]}]"#,
            [.label("level", "3"), .severity("3"), .labelCount(1)]),
        Case(.skywalking, #"[{"name": "s", "tags": {"level": true, "n": null}}]"#, [.label("level", "true"), .labelCount(1)]),
        Case(
            .skywalking, #"[{"name": "s", "uuid": 42, "alarmMessage": 7, "expression": {}}]"#,
            [.fingerprint("42"), .title("7"), .message("7"), .field("expression", nil)]),
    ]

    static let graylog: [Case] = [
        Case(.graylog, #"{"event": {"priority": "high"}}"#, [.severity("unknown"), .field("priority", "high"), .field("priorityName", nil)]),
        Case(.graylog, #"{"event": {"priority": null}}"#, [.severity("unknown"), .field("priority", nil)]),
        Case(.graylog, #"{"event": {"priority": {}}}"#, [.severity("unknown"), .field("priority", nil)]),
        Case(.graylog, #"{"event": {"priority": "2"}}"#, [.severity("warning"), .field("priority", "2")]),
        Case(.graylog, #"{"event": {"fields": {"n": 1, "b": true, "x": null, "o": {}}}}"#, [.label("n", "1"), .label("b", "true"), .labelCount(2)]),
        Case(.graylog, #"{"event": {"fields": "str", "group_by_fields": [1]}}"#, [.labelCount(0)]),
        Case(.graylog, #"{"event": {}, "backlog": null}"#, [.field("backlogSize", nil), .title("Graylog event")]),
        Case(.graylog, #"{"event": {}, "backlog": [7, {"message": "second"}]}"#, [.field("backlogSize", "2"), .field("backlogMessage", nil)]),
        Case(
            .graylog, #"{"event": {"message": 5}, "backlog": [{"message": 6, "fields": {"app": 1, "gl2_x": "y"}}]}"#,
            [.field("eventMessage", "5"), .field("backlogMessage", "6"), .label("app", "1"), .label("gl2_x", nil)]),
        Case(.graylog, #"{"event": {"timestamp": 1700000000}}"#, [.startsAt(Want.receivedAt)]),
        Case(.graylog, #"{"event": {"timestamp": "2026-01-01T00:00:00.000Z"}}"#, [.startsAt("2026-01-01T00:00:00.000Z")]),
        Case(
            .graylog, #"{"event_definition_title": 5, "event_definition_description": {}, "remediation_steps": 3, "event": {}}"#,
            [.title("5"), .annotation("description", nil), .annotation("remediation_steps", "3")]),
        Case(
            .graylog, #"{"event_definition_id": 9, "event": {"key_tuple": "x", "key": null, "id": true}}"#,
            [
                .field("eventDefinitionId", "9"), .field("key", nil), .field("eventId", "true"),
                .fingerprint(Fingerprint.ofLabels(["event_definition_id": "9", "key": ""])),
            ]),
    ]

    static let zabbix: [Case] = [
        Case(
            .zabbix, #"{"EVENT.ID": 12, "EVENT.VALUE": 0, "EVENT.NAME": "Disk"}"#,
            [.status(.resolved), .fingerprint("12"), .field("EVENT.VALUE", "0")]),
        Case(.zabbix, #"{"EVENT.SEVERITY": 4, "EVENT.NAME": true}"#, [.severity("high"), .title("true")]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "tags": null}"#, [.labelCount(0), .field("tags", nil)]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "tags": {"a": "b"}}"#, [.labelCount(0)]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "tags": 5}"#, [.labelCount(0)]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "tags": [{"tag": "app", "value": true}, "y", {"value": 1}]}"#, [.label("app", "true"), .labelCount(1)]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "EVENT.DATE": "garbage", "EVENT.TIME": "08:00:00"}"#, [.startsAt(Want.receivedAt)]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "EVENT.DATE": 20260102, "EVENT.TIME": null}"#, [.startsAt(Want.receivedAt)]),
        Case(.zabbix, #"{"EVENT.NAME": "x", "HOST.NAME": null, "message": {"a": 1}}"#, [.label("host", nil), .message("")]),
        Case(.zabbix, #"{}"#, [.title("Zabbix event"), .status(.firing), .severity("unknown")]),
    ]

    static let mapping = WebhookMapping(
        title: try! JSONPath("t"), status: try! JSONPath("s"), fingerprint: try! JSONPath("f"),
        labels: [.init(name: "app", path: try! JSONPath("l.app"))])

    static let webhook: [Case] = [
        Case(.webhook, #"{"title": 42}"#, [.title("42"), .fingerprint(Fingerprint.hash("42"))]),
        Case(.webhook, #"{"title": "T", "state": true}"#, [.status(.firing), .field("status", "true")]),
        Case(.webhook, #"{"title": "T", "state": null}"#, [.status(.firing), .field("status", nil)]),
        Case(.webhook, #"{"message": {"a": 1}, "severity": []}"#, [.title("Alert from test-integration"), .message(""), .severity("unknown")]),
        Case(.webhook, #"{"title": "T", "url": 7}"#, [.link("Details", nil)]),
        Case(.webhook, #"{}"#, [.title("Alert from test-integration")]),
        Case(
            .webhook, #"{"t": "T", "s": {"x": 1}, "f": true, "l": {"app": [1]}}"#, options: NormalizeOptions(webhookMapping: mapping),
            [.status(.firing), .fingerprint("true"), .labelCount(0)]),
        Case(
            .webhook, #"{"t": null, "s": "ok", "f": {}, "l": {"app": 3}}"#, options: NormalizeOptions(webhookMapping: mapping),
            [
                .status(.resolved), .title("Alert from test-integration"), .fingerprint(Fingerprint.hash("Alert from test-integration")),
                .label("app", "3"),
            ]),
        Case(.webhook, #""just text""#, options: NormalizeOptions(webhookMapping: mapping), [.title("Alert from test-integration")]),
    ]

    static let formattedWebhook: [Case] = [
        Case(.formattedWebhook, #"{"alert_uid": null, "title": "T"}"#, [.fingerprint(Fingerprint.hash("T"))]),
        Case(.formattedWebhook, #"{"alert_uid": 7.5, "title": "T"}"#, [.fingerprint("7.5")]),
        Case(.formattedWebhook, #"{"title": "T", "state": 1}"#, [.status(.firing), .field("state", "1")]),
        Case(.formattedWebhook, #"{"title": "T", "state": {"ok": true}}"#, [.status(.firing), .field("state", nil)]),
        Case(.formattedWebhook, #"{"title": "T", "image_url": 5, "link_to_upstream_details": {}}"#, [.link("Image", nil), .link("Details", nil)]),
        Case(.formattedWebhook, #"{"message": ["a"], "title": false}"#, [.message(""), .title("false")]),
        Case(.formattedWebhook, #"{"message": 3}"#, [.message("3"), .title("3")]),
    ]

    @Test(arguments: alertmanager) func alertmanagerVariants(_ c: Case) throws { try Self.check(c) }
    @Test(arguments: grafana) func grafanaVariants(_ c: Case) throws { try Self.check(c) }
    @Test(arguments: skywalking) func skywalkingVariants(_ c: Case) throws { try Self.check(c) }
    @Test(arguments: graylog) func graylogVariants(_ c: Case) throws { try Self.check(c) }
    @Test(arguments: zabbix) func zabbixVariants(_ c: Case) throws { try Self.check(c) }
    @Test(arguments: webhook) func webhookVariants(_ c: Case) throws { try Self.check(c) }
    @Test(arguments: formattedWebhook) func formattedWebhookVariants(_ c: Case) throws { try Self.check(c) }
}
