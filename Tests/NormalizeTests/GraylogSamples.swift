import Foundation
import Testing
@testable import AlertCore

extension SampleCase {
    static func glHash(_ definition: String, _ key: String) -> String {
        Fingerprint.ofLabels(["event_definition_id": definition, "key": key])
    }

    static let callerPattern = try! MessagePattern(#""caller":"([^"]+)""#)

    static let graylog: [SampleCase] = [
        SampleCase(
            file: "graylog/graylog6_replay_info_scores.json", kind: .graylog,
            expected: .alerts(
                [
                    .firing(glHash("671a28a03696bb3801a7a9f1", ""), "Event - 1")
                ],
                facts: { a in
                    #expect(a[0].severity == "critical" && a[0].fields["priority"] == "3" && a[0].fields["priorityName"] == "high")
                    #expect(a[0].message == "Event - 1")
                    #expect(a[0].labels.isEmpty)
                    #expect(a[0].startsAt == "2024-10-24T10:22:04.556Z")
                    #expect(a[0].fields["eventId"] == "01JAZZJAKS82TDZAE82E0WAENT")
                    #expect(a[0].fields["source"] == "server")
                    #expect(a[0].annotations["description"] == ".")
                })),
        SampleCase(
            file: "graylog/graylog_aggregation_empty_fields.json", kind: .graylog,
            expected: .alerts(
                [
                    .firing(glHash("65420b968189520c8fe81364", ""), "Error and Warn")
                ],
                facts: { a in
                    #expect(a[0].labels.isEmpty && a[0].annotations.isEmpty)
                    #expect(a[0].fields["eventDefinitionType"] == "aggregation-v1")
                    #expect(a[0].fields["key"] == nil)
                })),
        // Same definition and key as the previous sample, another event id: same fingerprint.
        SampleCase(
            file: "graylog/graylog_aggregation_fields_with_json_string.json", kind: .graylog,
            options: NormalizeOptions(messagePattern: callerPattern),
            expected: .alerts(
                [
                    .firing(glHash("65420b968189520c8fe81364", ""), "Error and Warn")
                ],
                facts: { a in
                    #expect(a[0].labels["tag"] == "stg")
                    #expect(a[0].labels["message"]?.hasPrefix(#"{"level":"warn","#) == true)
                    // The pattern found nothing in the event message and fell back to the custom field.
                    #expect(a[0].fields["pattern"] == "rest/index.go:47")
                    #expect(a[0].fields["eventId"] == "01HE51TMQT0G3V67XKXRBQP05W")
                })),
        SampleCase(
            file: "graylog/graylog_test_notification_no_backlog_docs.json", kind: .graylog,
            expected: .alerts(
                [
                    .firing(glHash("this-is-a-test-notification", "testkey"), "Event Definition Test Title")
                ],
                facts: { a in
                    #expect(a[0].labels == ["field1": "value1", "field2": "value2"])
                    #expect(a[0].severity == "warning" && a[0].fields["priorityName"] == "normal")
                    #expect(a[0].message == "Notification test message triggered from user <admin>")
                    #expect(a[0].fields["key"] == "testkey")
                    #expect(a[0].fields["pattern"] == nil, "no pattern configured")
                })),
        SampleCase(
            file: "graylog/graylog_uppercase_custom_fields_replay_info.json", kind: .graylog,
            expected: .alerts(
                [
                    .firing(glHash("67c78b93cf26aa2045bdc2ea", ""), "ACTIVE RESPONSE WEBSERVER THREAT INTEL")
                ],
                facts: { a in
                    #expect(a[0].labels == ["COMMAND": "domain_sinkhole", "AGENT_ID": "032", "ACTION": "sinkhole", "VALUE": "example.com"])
                    #expect(a[0].severity == "warning")
                    #expect(a[0].fields["source"] == "soc-grlog01")
                })),
    ]
}

@Suite struct GraylogTests {
    static let withBacklog = #"""
        {
          "event_definition_id": "def-1",
          "event_definition_title": "Java errors",
          "event": {
            "id": "01HXYZ", "event_definition_id": "def-1", "timestamp": "2026-01-02T08:00:00.000Z",
            "message": "Java errors", "source": "graylog", "key_tuple": ["orders"], "key": "orders", "priority": 1,
            "alert": true, "fields": {"team": "payments"}, "group_by_fields": {"app": "orders-from-group-by"}
          },
          "backlog": [
            {"index": "graylog_0", "id": "m1", "source": "pod-1", "timestamp": "2026-01-02T07:59:58.000Z",
             "message": "ERROR [com.example.orders.OrderService:42] NullPointerException", "stream_ids": [],
             "fields": {"app": "orders", "namespace": "shop", "level": 3, "gl2_remote_ip": "10.0.0.9", "nested": {"a": 1}}},
            {"index": "graylog_0", "id": "m2", "source": "pod-2", "timestamp": "2026-01-02T07:59:59.000Z",
             "message": "ERROR [com.example.orders.Other:7] boom", "stream_ids": [], "fields": {"app": "billing"}}
          ]
        }
        """#

    @Test func backlogFieldsBecomeLabelsAndPatternCaptures() throws {
        let options = NormalizeOptions(messagePattern: try MessagePattern(#"\[([\w.$]+:\d+)\]"#))
        let a = try Fixture.normalize(json: Self.withBacklog, kind: .graylog, options: options)
        #expect(a.count == 1)
        let alert = a[0]
        // First backlog message's fields, then group_by_fields, then the event's custom fields win.
        #expect(alert.labels == ["app": "orders-from-group-by", "namespace": "shop", "level": "3", "team": "payments"])
        #expect(alert.fields["pattern"] == "com.example.orders.OrderService:42")
        #expect(alert.fields["backlogMessage"] == "ERROR [com.example.orders.OrderService:42] NullPointerException")
        #expect(alert.message == "Java errors\n\nERROR [com.example.orders.OrderService:42] NullPointerException\n(+1 more messages in the backlog)")
        #expect(alert.fingerprint == SampleCase.glHash("def-1", "orders"))
        #expect(alert.severity == "info" && alert.status == .firing && alert.endsAt == nil)
        #expect(alert.fields["backlogSize"] == "2")
    }

    @Test func patternWithoutGroupTakesTheWholeMatch() throws {
        let options = NormalizeOptions(messagePattern: try MessagePattern(#"NullPointer\w+"#))
        let a = try Fixture.normalize(json: Self.withBacklog, kind: .graylog, options: options)
        #expect(a[0].fields["pattern"] == "NullPointerException")
    }

    @Test func patternThatDoesNotMatch() throws {
        let options = NormalizeOptions(messagePattern: try MessagePattern(#"\{(\d+)\}"#))
        let a = try Fixture.normalize(json: Self.withBacklog, kind: .graylog, options: options)
        #expect(a[0].fields["pattern"] == nil)
    }

    @Test func onlyAMissingOrMistypedEventIsRejected() throws {
        var e = Fixture.payloadError(json: #"{"event_definition_id": "x"}"#, kind: .graylog)
        #expect(e?.path == "$.event" && e?.reason.contains("missing") == true)
        e = Fixture.payloadError(json: #"{"event": []}"#, kind: .graylog)
        #expect(e?.description == "$.event: expected an object, got array")
        // Everything else of the wrong kind is dropped or defaulted.
        var a = try Fixture.normalize(json: #"{"event": {"fields": {"a": ["x"], "b": 2}}}"#, kind: .graylog)
        #expect(a[0].labels == ["b": "2"], "a nested custom field is dropped")
        a = try Fixture.normalize(json: #"{"event": {}, "backlog": {}}"#, kind: .graylog)
        #expect(a[0].fields["backlogSize"] == nil && a[0].title == "Graylog event")
        a = try Fixture.normalize(json: #"{"event": {"message": "m"}, "backlog": ["m"]}"#, kind: .graylog)
        #expect(a[0].message == "m" && a[0].fields["backlogMessage"] == nil, "a backlog entry that is not an object is no message")
    }

    @Test func unknownPriorityAndMinimalEvent() throws {
        let a = try Fixture.normalize(json: #"{"event": {"priority": 9, "timestamp": "not a time"}}"#, kind: .graylog)
        #expect(a[0].severity == "unknown" && a[0].fields["priority"] == "9")
        #expect(a[0].title == "Graylog event" && a[0].startsAt == Fixture.receivedAtText)
    }
}
