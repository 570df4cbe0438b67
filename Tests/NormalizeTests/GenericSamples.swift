import Foundation
import Testing
@testable import AlertCore

extension SampleCase {
    static let generic: [SampleCase] = [
        SampleCase(
            file: "generic/oncall_formatted_webhook_alerting.json", kind: .formattedWebhook,
            expected: .alerts(
                [
                    .firing("08d6891a-835c-e661-39fa-96b6a9e26552", "The whole system is down")
                ],
                facts: { a in
                    #expect(a[0].message == "Smth happened. Oh no!")
                    #expect(a[0].link("Details") == "https://en.wikipedia.org/wiki/Downtime")
                    #expect(a[0].link("Image") == "https://upload.wikimedia.org/wikipedia/commons/e/ee/Grumpy_Cat_by_Gage_Skidmore.jpg")
                    #expect(a[0].fields["state"] == "alerting" && a[0].startsAt == Fixture.receivedAtText)
                })),
        // The same body through the generic kind: OnCall generic semantics, fingerprint from the title.
        SampleCase(
            file: "generic/oncall_formatted_webhook_alerting.json", kind: .webhook,
            expected: .alerts([
                .firing(Fingerprint.hash("The whole system is down"), "The whole system is down")
            ])),
        SampleCase(
            file: "generic/oncall_webhook_message_only.json", kind: .webhook,
            expected: .alerts(
                [
                    .firing(
                        Fingerprint.hash("This alert was sent by user for demonstration purposes"),
                        "This alert was sent by user for demonstration purposes")
                ],
                facts: { a in
                    #expect(a[0].message == "This alert was sent by user for demonstration purposes")
                    #expect(a[0].severity == "unknown" && a[0].links.isEmpty && a[0].labels.isEmpty)
                })),
        SampleCase(
            file: "generic/oncall_webhook_message_only.json", kind: .formattedWebhook,
            expected: .alerts([
                .firing(
                    Fingerprint.hash("This alert was sent by user for demonstration purposes"),
                    "This alert was sent by user for demonstration purposes")
            ])),
    ]

    static let malformed: [SampleCase] = [
        SampleCase(file: "malformed/constructed_empty_array.json", kind: .skywalking, expected: .rejected(path: "$", reason: "empty array")),
        SampleCase(
            file: "malformed/constructed_empty_array.json", kind: .alertmanager,
            expected: .rejected(path: "$", reason: "expected an object, got array")),
        SampleCase(
            file: "malformed/constructed_empty_array.json", kind: .grafana, expected: .rejected(path: "$", reason: "expected an object, got array")),
        SampleCase(
            file: "malformed/constructed_empty_array.json", kind: .graylog, expected: .rejected(path: "$", reason: "expected an object, got array")),
        SampleCase(
            file: "malformed/constructed_empty_array.json", kind: .zabbix, expected: .rejected(path: "$", reason: "expected an object, got array")),
        SampleCase(
            file: "malformed/constructed_empty_array.json", kind: .webhook, expected: .rejected(path: "$", reason: "expected an object, got array")),
        SampleCase(
            file: "malformed/constructed_empty_array.json", kind: .formattedWebhook,
            expected: .rejected(path: "$", reason: "expected an object, got array")),
    ]
}
