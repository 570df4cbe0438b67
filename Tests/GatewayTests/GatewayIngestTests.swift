import AMQP
import AlertCore
import Foundation
import Gateway
import Testing
import WorkerKit
import TestSupport

/// The gateway against the real RabbitMQ: what it accepts is in the queue; what it refuses gets
/// the documented status with a JSON reason, and it keeps serving.
@Suite(.serialized) struct GatewayIngestTests {
    let namespace = TestEnvironment.namespace()

    func start(gateway: String = "", brokerURL: String? = nil) throws -> (GatewayService, Int, KlaxonConfig, Publisher) {
        var config = try TestEnvironment.config(namespace: namespace, gateway: gateway)
        if let brokerURL { config.broker.url = brokerURL }
        let metrics = Metrics()
        let publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
        let gw = GatewayService(config: config, publisher: publisher, logger: Logger(process: "test", minimum: .error), metrics: metrics)
        let port = try gw.start()
        if brokerURL == nil { publisher.waitUntilConnected() }
        return (gw, port, config, publisher)
    }

    @Test func acceptedAlertsAreInTheIngestQueue() async throws {
        let conn = try TestEnvironment.broker()
        let (gw, port, config, publisher) = try start()
        defer { gw.stop(); TestEnvironment.removeTopology(config) }
        let body = try TestEnvironment.sample("alertmanager/am_firing_two_alerts_chinese_alertname.json")
        let r = try await http("POST", "http://127.0.0.1:\(port)/integrations/alertmanager/\(TestEnvironment.token)", body: body)
        #expect(r.status == 202)
        #expect(r.json["accepted"] as? Int == 2)
        let ids = try #require(r.json["ids"] as? [String])

        let got = try await TestEnvironment.waitForMessages(conn, Topology(namespace: namespace).ingestQueue, count: 2)
        let alerts = try got.map { try Codec.decode(Alert.self, from: $0.body) }
        #expect(alerts.map(\.id) == ids)
        #expect(alerts.allSatisfy { $0.integration == "test-am" && $0.source == "alertmanager" })
        #expect(alerts.contains { $0.labels["alertname"]?.contains("测试") == true || $0.title.unicodeScalars.contains { $0.value > 0x4E00 } })
        #expect(got.allSatisfy { $0.messageID != nil })
        await publisher.shutdown()
    }

    @Test func clientMistakesGetA4xxWithAReasonAndTheGatewayKeepsServing() async throws {
        _ = try TestEnvironment.broker()
        let (gw, port, config, publisher) = try start(gateway: "max_body_bytes: 4096\nmax_alerts_per_request: 2\nmax_json_depth: 8")
        defer { gw.stop(); TestEnvironment.removeTopology(config) }
        let base = "http://127.0.0.1:\(port)"
        let url = "\(base)/integrations/alertmanager/\(TestEnvironment.token)"
        let good = try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json")
        let three = try TestEnvironment.sample("alertmanager/am_firing_three_alerts_no_fingerprint.json")
        let missing = try TestEnvironment.sample("alertmanager/constructed_am_envelope_missing_alerts.json")
        let deep = Data((String(repeating: "[", count: 20) + String(repeating: "]", count: 20)).utf8)
        let big = Data(("{\"alerts\": [\"" + String(repeating: "x", count: 8000) + "\"]}").utf8)

        let cases: [(String, String, Data?, Int, String)] = [
            ("POST", "\(base)/integrations/alertmanager/wrong-token-0123456789", good, 404, "unknown integration"),
            ("POST", "\(base)/integrations/nagios/\(TestEnvironment.token)", good, 404, "unknown integration kind"),
            ("POST", "\(base)/elsewhere", good, 404, "not found"),
            ("GET", url, nil, 405, "not allowed"),
            ("POST", url, Data("{\"alerts\": [".utf8), 400, "malformed JSON"),
            ("POST", url, Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]), 400, "not valid UTF-8"),
            ("POST", url, missing, 400, "$.alerts"),
            ("POST", url, Data(#"{"alerts": [{"labels": {}}, "oops"]}"#.utf8), 400, "$.alerts[1]: expected an object"),
            ("POST", url, Data(#"{"alerts": []}"#.utf8), 400, "$.alerts: empty"),
            ("POST", url, Data(#"{"alerts": {"status": "maybe"}}"#.utf8), 400, "$.alerts: expected an array"),
            ("POST", url, Data(), 400, "empty body"),
            ("POST", url, deep, 400, "nesting depth"),
            ("POST", url, big, 413, "exceeds the limit"),
            ("POST", url, three, 413, "the limit is 2"),
        ]
        for (method, u, body, status, reason) in cases {
            let r = try await http(method, u, body: body)
            #expect(r.status == status, "\(method) \(u) → \(r.status) \(String(decoding: r.body, as: UTF8.self))")
            #expect((r.json["error"] as? String)?.contains(reason) == true, "expected \(reason) in \(String(decoding: r.body, as: UTF8.self))")
            #expect(r.headers["content-type"] == "application/json")
        }
        let ok = try await http("POST", url, body: good)
        #expect(ok.status == 202)
        // A 4xx is a lost alert: fields the gateway does not need never cause one, whatever
        // their type or value (docs/contracts.md, "What the gateway accepts").
        for lenient in [
            #"{"alerts": [{"labels": "oops"}]}"#, #"{"version": 3, "groupKey": null, "alerts": [{"status": "maybe", "labels": {"n": 1}}]}"#,
        ] {
            let r = try await http("POST", url, body: Data(lenient.utf8))
            #expect(r.status == 202, "\(lenient) → \(r.status) \(String(decoding: r.body, as: UTF8.self))")
        }
        #expect(try await http("GET", "\(base)/healthz").status == 200)
        let metrics = String(decoding: try await http("GET", "\(base)/metrics").body, as: UTF8.self)
        #expect(metrics.contains("klaxon_gateway_requests_rejected_total{reason=\"invalid_payload\"} 8"))
        #expect(metrics.contains("klaxon_gateway_alerts_accepted_total{integration=\"test-am\",source=\"alertmanager\"} 3"))
        await publisher.shutdown()
    }

    @Test func brokerDownAnswers503WithRetryAfterAndNever2xx() async throws {
        // A port nothing listens on: every publish fails, and the gateway must say so.
        let (gw, port, _, publisher) = try start(brokerURL: "amqp://guest:guest@127.0.0.1:1/")
        defer { gw.stop() }
        let body = try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json")
        for _ in 0..<3 {
            let r = try await http("POST", "http://127.0.0.1:\(port)/integrations/alertmanager/\(TestEnvironment.token)", body: body)
            #expect(r.status == 503)
            #expect(r.headers["retry-after"] == "5")
            #expect((r.json["error"] as? String)?.contains("broker unavailable") == true)
        }
        let ready = try await http("GET", "http://127.0.0.1:\(port)/readyz")
        #expect(ready.status == 503)
        await publisher.shutdown()
    }
}
