import Foundation
import Testing
@testable import AlertCore

extension SampleCase {
    static func swHash(_ rule: String, _ scopeID: String, _ id0: String, _ id1: String) -> String {
        Fingerprint.ofLabels(["ruleName": rule, "scopeId": scopeID, "id0": id0, "id1": id1])
    }

    static let skywalking: [SampleCase] = [
        SampleCase(
            file: "skywalking/constructed_sw_relation_scopes.json", kind: .skywalking, timeZone: Fixture.shanghai,
            expected: .alerts(
                [
                    .firing(
                        swHash("service_relation_resp_time_rule", "4", "b3JkZXItc2VydmljZQ==.1", "cGF5bWVudC1zZXJ2aWNl.1"),
                        "Response time of service relation order-service to payment-service is more than 1000ms in 2 minutes of last 10 minutes"),
                    .firing(
                        swHash(
                            "service_instance_relation_resp_time_rule", "5", "b3JkZXItc2VydmljZQ==.1_b3JkZXItN2Q5ZkAxMC4wLjMuMTQ=",
                            "cGF5bWVudC1zZXJ2aWNl.1_cGF5LTVjMmJAMTAuMC40LjIw"),
                        "Response time of service instance relation order-7d9f@10.0.3.14 of order-service to pay-5c2b@10.0.4.20 of payment-service is more than 1000ms in 2 minutes of last 10 minutes"
                    ),
                    .firing(
                        swHash(
                            "endpoint_relation_resp_time_rule", "6", "b3JkZXItc2VydmljZQ==.1_UE9TVDovYXBpL29yZGVycw==",
                            "cGF5bWVudC1zZXJ2aWNl.1_R0VUOi9hcGkvcGF5L3tpZH0="),
                        "Response time of endpoint relation POST:/api/orders in order-service to GET:/api/pay/{id} in payment-service is more than 1000ms in 2 minutes of last 10 minutes"
                    ),
                ],
                facts: { a in
                    #expect(a.map { $0.fields["service"] } == ["payment-service", "payment-service", "payment-service"])
                    #expect(a.map { $0.fields["sourceService"] } == ["order-service", "order-service", "order-service"])
                    #expect(a[1].fields["entity"] == "pay-5c2b@10.0.4.20")
                    #expect(a[2].fields["entity"] == "GET:/api/pay/{id}")
                    #expect(a.map(\.severity) == ["WARNING", "WARNING", "CRITICAL"])
                    #expect(a[2].labels == ["level": "CRITICAL"])
                    #expect(a[0].fields["scope"] == "SERVICE_RELATION" && a[0].fields["scopeId"] == "4")
                    #expect(a[0].startsAt == "2026-01-02T08:00:00.000Z")
                    #expect(a[0].fields["startTimeLocal"]?.hasPrefix("2026-01-02 16:00:00") == true, "\(a[0].fields["startTimeLocal"] ?? "")")
                    #expect(a[2].fields["startTimeLocal"]?.hasPrefix("2026-01-02 16:01:00") == true)
                    #expect(a[1].message == a[1].title)
                })),
        SampleCase(
            file: "skywalking/sw_two_services_no_tags_v8_docs.json", kind: .skywalking, timeZone: Fixture.shanghai,
            expected: .alerts(
                [
                    .firing(swHash("service_resp_time_rule", "1", "12", ""), "alarmMessage xxxx"),
                    .firing(swHash("service_resp_time_rule", "1", "23", ""), "alarmMessage yyy"),
                ],
                facts: { a in
                    #expect(a.map { $0.fields["service"] } == ["serviceA", "serviceB"])
                    #expect(a.allSatisfy { $0.labels.isEmpty && $0.severity == "unknown" && $0.fields["id1"] == nil })
                    #expect(a[0].startsAt == "2019-06-14T14:56:11.000Z")
                    #expect(a[0].fields["startTimeLocal"]?.hasPrefix("2019-06-14 22:56:11") == true)
                    #expect(a[0].fields["ruleName"] == "service_resp_time_rule" && a[0].fields["id0"] == "12")
                })),
        SampleCase(
            file: "skywalking/sw_two_services_with_tags_v9_docs.json", kind: .skywalking,
            expected: .alerts(
                [
                    .firing(swHash("service_resp_time_rule", "1", "12", ""), "alarmMessage xxxx"),
                    .firing(swHash("service_resp_time_rule", "1", "23", ""), "alarmMessage yyy"),
                ],
                facts: { a in
                    #expect(a.map(\.labels) == [["level": "WARNING"], ["level": "CRITICAL"]])
                    #expect(a.map(\.severity) == ["WARNING", "CRITICAL"])
                    // Default zone UTC.
                    #expect(a[0].fields["startTimeLocal"]?.hasPrefix("2019-06-14 14:56:11") == true)
                })),
        SampleCase(
            file: "skywalking/sw_uuid_and_recoverytime_v10_4_docs.json", kind: .skywalking, timeZone: Fixture.shanghai,
            expected: .alerts(
                [
                    .resolved("uuid1", "alarmMessage xxxx"),
                    .firing("uuid2", "alarmMessage yyy"),
                ],
                facts: { a in
                    #expect(a[0].endsAt == "2019-06-14T14:59:11.000Z")
                    #expect(a[0].fields["recoveryTimeLocal"]?.hasPrefix("2019-06-14 22:59:11") == true)
                    #expect(a[1].endsAt == nil)
                    #expect(a[0].fields["uuid"] == "uuid1")
                    #expect(a.map { $0.fields["service"] } == ["serviceA", "serviceB"])
                })),
    ]
}

@Suite struct SkyWalkingTests {
    struct NameCase: Sendable, CustomTestStringConvertible {
        var name: String
        var scope: SkyWalkingName.Scope?
        var service: String
        var entity: String?
        var source: String?
        var testDescription: String { "\(scope.map { "\($0)" } ?? "no scope"): \(name)" }
    }

    static let names: [NameCase] = [
        NameCase(name: "serviceA", scope: .service, service: "serviceA"),
        NameCase(name: "agent::songs", scope: .service, service: "agent::songs"),
        NameCase(name: "inst-1@10.0.0.1 of serviceA", scope: .serviceInstance, service: "serviceA", entity: "inst-1@10.0.0.1"),
        NameCase(name: "GET:/orders in serviceA", scope: .endpoint, service: "serviceA", entity: "GET:/orders"),
        NameCase(name: "/search in progress in serviceA", scope: .endpoint, service: "serviceA", entity: "/search in progress"),
        NameCase(name: "order-service to payment-service", scope: .serviceRelation, service: "payment-service", source: "order-service"),
        NameCase(
            name: "x of order-service to y of payment-service", scope: .serviceInstanceRelation,
            service: "payment-service", entity: "y", source: "order-service"),
        NameCase(
            name: "P in order-service to Q in payment-service", scope: .endpointRelation,
            service: "payment-service", entity: "Q", source: "order-service"),
        NameCase(name: "GET:/go to x in A to POST:/pay in B", scope: .endpointRelation, service: "B", entity: "POST:/pay", source: "A"),
        // Unknown scope: the text after the last " to ", " of " or " in ".
        NameCase(name: "serviceA", scope: nil, service: "serviceA"),
        NameCase(name: "i of S", scope: nil, service: "S"),
        NameCase(name: "e in S", scope: nil, service: "S"),
        NameCase(name: "A to B", scope: nil, service: "B"),
        NameCase(name: "x of A to y of B", scope: nil, service: "B"),
        NameCase(name: "P in A to Q in B", scope: nil, service: "B"),
        // A relation name without " to " still routes somewhere sensible.
        NameCase(name: "lonely", scope: .serviceRelation, service: "lonely"),
    ]

    @Test(arguments: names)
    func nameGrammar(_ c: NameCase) {
        let parsed = SkyWalkingName.parse(c.name, scope: c.scope)
        #expect(parsed.service == c.service)
        if c.scope != nil {
            #expect(parsed.entity == c.entity)
            #expect(parsed.sourceService == c.source)
        }
    }

    @Test func scopeFromStringOrID() {
        #expect(SkyWalkingName.Scope(scope: "ENDPOINT_RELATION", scopeID: nil) == .endpointRelation)
        #expect(SkyWalkingName.Scope(scope: nil, scopeID: 2) == .serviceInstance)
        #expect(SkyWalkingName.Scope(scope: "DATABASE_ACCESS", scopeID: 99) == nil)
    }

    @Test func scopeIDAloneDrivesTheGrammar() throws {
        let a = try Fixture.normalize(
            json: #"[{"scopeId": 3, "name": "GET:/a to b in svc", "ruleName": "r", "startTime": "1560524171000"}]"#, kind: .skywalking)
        #expect(a[0].fields["service"] == "svc" && a[0].fields["entity"] == "GET:/a to b")
        #expect(a[0].startsAt == "2019-06-14T14:56:11.000Z", "a numeric string is accepted as epoch ms")
        #expect(a[0].title == "r: GET:/a to b in svc", "no alarmMessage")
    }

    @Test func onlyTheShapeIsRejected() throws {
        // A missing name, a tag that is not an object, a boolean start time: defaulted.
        let a = try Fixture.normalize(json: #"[{"name": "a"}, {"scopeId": 1, "ruleName": "r"}]"#, kind: .skywalking)
        #expect(a.count == 2 && a[1].title == "r" && a[1].fields["service"] == nil && a[1].status == .firing)
        let b = try Fixture.normalize(json: #"[{"name": "a", "tags": [{"key": "k", "value": "v"}, "oops"], "startTime": true}]"#, kind: .skywalking)
        #expect(b[0].labels == ["k": "v"] && b[0].startsAt == Fixture.receivedAtText)
        var e = Fixture.payloadError(json: #"{"name": "a"}"#, kind: .skywalking)
        #expect(e?.path == "$" && e?.reason.contains("expected an array") == true)
        e = Fixture.payloadError(json: #"[42]"#, kind: .skywalking)
        #expect(e?.description == "$[0]: expected an object, got number")
    }
}
