import AMQP
import AlertCore
import Foundation
import TestSupport
import Testing
import WorkerKit

@testable import Gateway

/// The served OpenAPI document is the repository's file, and every metric exists at start-up.
@Suite(.serialized) struct GatewayDocsAndMetricsTests {
    @Test func servesTheOpenAPIDocumentFromTheRepository() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness()
        let file = try Data(contentsOf: TestEnvironment.root.appendingPathComponent("docs/openapi.json"))
        let r = try await http("GET", "\(h.base)/openapi.json")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/json")
        let trim = { (d: Data) in String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(trim(r.body) == trim(file), "the served document must be docs/openapi.json, compiled in through Sources/Gateway/openapi.json")
        let doc = try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
        let paths = try #require(doc["paths"] as? [String: Any])
        for kind in IntegrationKind.allCases { #expect(paths["/integrations/\(kind.rawValue)/{token}"] != nil, "\(kind)") }
        for p in [
            "/healthz", "/readyz", "/metrics", "/openapi.json", "/schedules/{name}.ics", "/people/{id}.ics", "/incidents/{id}", "/api/v1/incidents",
        ] {
            #expect(paths[p] != nil, "\(p)")
        }
        for verb in IncidentVerb.allCases {
            #expect(paths["/incidents/{id}/\(verb.rawValue)"] != nil, "page button \(verb)")
            #expect(paths["/api/v1/incidents/{id}/\(verb.apiSegment)"] != nil, "API \(verb)")
        }
        let schemes = (doc["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
        #expect((schemes?["bearerAuth"] as? [String: Any])?["scheme"] as? String == "bearer")
        let wrong = try await http("POST", "\(h.base)/openapi.json")
        #expect(wrong.status == 405)
        #expect(wrong.headers["allow"] == "GET, HEAD")
        await h.finish()
    }

    @Test func everyMetricIsRegisteredAtStartUp() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness()
        let text = String(decoding: try await http("GET", "\(h.base)/metrics").body, as: UTF8.self)
        for (name, type) in [
            ("klaxon_gateway_alerts_accepted_total", "counter"), ("klaxon_gateway_requests_rejected_total", "counter"),
            ("klaxon_gateway_requests_in_flight", "gauge"), ("klaxon_gateway_publish_seconds", "histogram"),
            ("klaxon_publish_confirm_seconds", "histogram"), ("klaxon_gateway_connections_timed_out_total", "counter"),
            ("klaxon_gateway_feeds_served_total", "counter"), ("klaxon_gateway_incident_actions_total", "counter"),
            ("klaxon_gateway_incident_links_rejected_total", "counter"),
        ] {
            #expect(text.contains("# TYPE \(name) \(type)\n"), "\(name) missing")
        }
        #expect(text.contains("klaxon_gateway_alerts_accepted_total{integration=\"test-am\",source=\"alertmanager\"} 0"))
        #expect(text.contains("klaxon_gateway_requests_rejected_total{reason=\"unauthorized\"} 0"))
        #expect(text.contains("klaxon_gateway_requests_rejected_total{reason=\"body_too_large\"} 0"))
        #expect(text.contains("klaxon_gateway_requests_rejected_total{reason=\"feed_token\"} 0"))
        #expect(text.contains("klaxon_gateway_feeds_served_total{kind=\"schedule\"} 0"))
        #expect(text.contains("klaxon_gateway_incident_actions_total{action=\"acknowledge\",path=\"link\"} 0"))
        #expect(text.contains("klaxon_gateway_incident_actions_total{action=\"escalate\",path=\"api\"} 0"))
        #expect(text.contains("klaxon_gateway_incident_links_rejected_total{reason=\"expired\"} 0"))
        #expect(text.contains("klaxon_gateway_requests_rejected_total{reason=\"api_unauthorized\"} 0"))
        #expect(text.contains("klaxon_gateway_publish_seconds_count 0"))
        #expect(text.contains("klaxon_publish_confirm_seconds_count 0"))
        _ = try await http("POST", h.url(), body: try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json"))
        let after = String(decoding: try await http("GET", "\(h.base)/metrics").body, as: UTF8.self)
        #expect(after.contains("klaxon_publish_confirm_seconds_count 1"))
        #expect(after.contains("klaxon_gateway_publish_seconds_count 1"))
        #expect(after.contains("klaxon_gateway_alerts_accepted_total{integration=\"test-am\",source=\"alertmanager\"} 1"))
        // Health endpoints answer HEAD like GET and refuse other methods.
        #expect(try await http("HEAD", "\(h.base)/healthz").status == 200)
        #expect(try await http("DELETE", "\(h.base)/readyz").status == 405)
        await h.finish()
    }
}
