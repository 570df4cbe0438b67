import AlertCore
import Escalation
import Foundation
import TestSupport
import Testing

/// The incident API against the real Redis and RabbitMQ: bearer tokens, the list and one
/// incident as JSON, and commands answered 202 only once the broker confirmed them.
@Suite(.serialized) struct IncidentAPITests {
    @Test func aMissingOrWrongTokenIs401WithABearerChallenge() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed()
            let cases: [(String, String, [String: String], String)] = [
                ("GET", "/api/v1/incidents", [:], "missing bearer token"),
                ("GET", "/api/v1/incidents/\(record.incident.id)", ["Authorization": "Bearer wrong-token-0123456789"], "invalid bearer token"),
                (
                    "POST", "/api/v1/incidents/\(record.incident.id)/ack", ["Authorization": "Bearer \(IncidentHarness.apiToken)x"],
                    "invalid bearer token"
                ),
                (
                    "POST", "/api/v1/incidents/\(record.incident.id)/ack", ["Authorization": "Basic \(IncidentHarness.apiToken)"],
                    "malformed Authorization header"
                ),
                ("GET", "/api/v1/incidents", ["Authorization": "Bearer"], "malformed Authorization header"),
            ]
            for (method, path, headers, reason) in cases {
                let r = try await http(method, h.base + path, headers: headers)
                #expect(r.status == 401, "\(method) \(path) \(headers) → \(r.status)")
                #expect(r.headers["www-authenticate"] == "Bearer realm=\"klaxon\"")
                #expect(r.headers["content-type"] == "application/json")
                #expect((r.json["error"] as? String)?.contains(reason) == true, "\(path): \(r.json)")
            }
            #expect(try await h.takeCommands().isEmpty)
            #expect(h.metrics.value("klaxon_gateway_requests_rejected_total", ["reason": "api_unauthorized"]) == Double(cases.count))
        }
        try await IncidentHarness(tokens: false).run { h in
            let r = try await http("GET", "\(h.base)/api/v1/incidents", headers: IncidentHarness.bearer)
            #expect(r.status == 401)
            #expect((r.json["error"] as? String)?.contains("no tokens configured") == true)
        }
    }

    @Test func theListAndOneIncidentAsJSON() async throws {
        try await IncidentHarness().run { h in
            let triggered = try await h.seed(title: "CPU hot")
            let acked = try await h.seed(title: "Disk full", paged: ["alice", "bob"], events: [.acknowledge(by: "bob", via: .phoneKey)])
            _ = try await h.seed(title: "Gone", events: [.resolve(by: "alice", via: .cli)])

            let all = try await http("GET", "\(h.base)/api/v1/incidents", headers: IncidentHarness.bearer)
            #expect(all.status == 200)
            let list = try #require(all.json["incidents"] as? [[String: Any]])
            #expect(Set(list.compactMap { $0["id"] as? String }) == [triggered.incident.id, acked.incident.id], "open incidents only")
            let a = try #require(list.first { $0["id"] as? String == acked.incident.id })
            #expect(a["policy"] as? String == "db")
            #expect(a["status"] as? String == "acknowledged")
            #expect(a["title"] as? String == "Disk full")
            #expect(a["severity"] as? String == "critical")
            #expect(a["step"] as? Int == 0 && a["loop"] as? Int == 0)
            #expect(a["openedAt"] as? String == "2026-09-21T14:13:20.000Z")
            let ack = try #require(a["ack"] as? [String: Any])
            #expect(ack["by"] as? String == "bob" && ack["via"] as? String == "phoneKey" && ack["at"] as? String == "2026-09-21T14:14:20.000Z")
            #expect(list.first { $0["id"] as? String == triggered.incident.id }?["ack"] == nil)

            let filtered = try await http("GET", "\(h.base)/api/v1/incidents?status=acknowledged", headers: IncidentHarness.bearer)
            #expect((filtered.json["incidents"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [acked.incident.id])
            let bad = try await http("GET", "\(h.base)/api/v1/incidents?status=open", headers: IncidentHarness.bearer)
            #expect(bad.status == 400)
            #expect((bad.json["error"] as? String)?.hasPrefix("status: expected one of triggered, acknowledged, snoozed, resolved") == true)

            let one = try await http("GET", "\(h.base)/api/v1/incidents/\(acked.incident.id)", headers: IncidentHarness.bearer)
            #expect(one.status == 200)
            let d = one.json
            #expect(d["id"] as? String == acked.incident.id)
            #expect(d["fingerprint"] as? String == acked.incident.fingerprint)
            #expect((d["paged"] as? [String: Any])?["people"] as? [String] == ["alice", "bob"])
            #expect((d["alert"] as? [String: Any])?["labels"] as? [String: String] == ["team": "db"])
            let timeline = try #require(d["timeline"] as? [[String: Any]])
            #expect(timeline.map { $0["type"] as? String } == ["opened", "stepFired", "paged", "acknowledged"])
            let last = try #require(timeline.last)
            #expect(last["at"] as? String == "2026-09-21T14:14:20.000Z")
            #expect(last["by"] as? String == "bob" && last["via"] as? String == "phoneKey")
            #expect(last["text"] as? String == "Acknowledged by Bob Li (bob) via a phone key")
            #expect(timeline[2]["recipients"] as? [String] == ["email:alice@example.com", "email:bob@example.com"])

            let unknown = try await http("GET", "\(h.base)/api/v1/incidents/0000000000000000", headers: IncidentHarness.bearer)
            #expect(unknown.status == 404)
            #expect(unknown.json["error"] as? String == "no incident 0000000000000000")
            #expect(try await http("DELETE", "\(h.base)/api/v1/incidents", headers: IncidentHarness.bearer).status == 405)
            #expect(try await http("GET", "\(h.base)/api/v1/incidents/x/ack", headers: IncidentHarness.bearer).status == 405)
            #expect(try await http("POST", "\(h.base)/api/v1/incidents/x/delete", headers: IncidentHarness.bearer).status == 404)
            #expect(try await http("GET", "\(h.base)/api/v2/incidents", headers: IncidentHarness.bearer).status == 404)
            #expect(try await h.takeCommands().isEmpty, "reading publishes nothing")
        }
    }

    @Test func anAckIs202WithTheCommandOnTheQueue() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed()
            let id = record.incident.id
            let r = try await http("POST", "\(h.base)/api/v1/incidents/\(id)/ack", headers: IncidentHarness.bearer)
            #expect(r.status == 202, "\(r.text)")
            let commands = try await h.takeCommands(expecting: 1)
            #expect(commands.count == 1)
            let c = try #require(commands.first)
            #expect(c.incidentID == id && c.action == .acknowledge && c.by == "ops-bot" && c.via == .api && c.at == h.now)
            #expect(r.json["command"] as? String == c.id)
            #expect(r.json["incident"] as? String == id)
            #expect(r.json["action"] as? String == "acknowledge")
            #expect(r.json["by"] as? String == "ops-bot", "the token's name when the body names nobody")

            let snooze = try await http(
                "POST", "\(h.base)/api/v1/incidents/\(id)/snooze", body: Data(#"{"by": "alice", "duration": "1h30m"}"#.utf8),
                headers: IncidentHarness.bearer)
            #expect(snooze.status == 202, "\(snooze.text)")
            #expect(snooze.json["until"] as? String == "2026-09-21T15:43:20.000Z")
            let s = try #require(try await h.takeCommands(expecting: 1).first)
            #expect(s.action == .snooze && s.by == "alice" && s.until == h.now.addingTimeInterval(5400))
            for (verb, action) in [("resolve", IncidentCommand.Action.resolve), ("escalate", .escalate)] {
                let x = try await http("POST", "\(h.base)/api/v1/incidents/\(id)/\(verb)", body: Data("{}".utf8), headers: IncidentHarness.bearer)
                #expect(x.status == 202)
                #expect(try await h.takeCommands(expecting: 1).map(\.action) == [action])
            }
            #expect(h.metrics.value("klaxon_gateway_incident_actions_total", ["action": "acknowledge", "path": "api"]) == 1)
            #expect(h.metrics.value("klaxon_gateway_incident_actions_total", ["action": "snooze", "path": "api"]) == 1)
        }
    }

    @Test func badBodiesAre400NamingTheFieldAndResolvedIs409() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed()
            let id = record.incident.id
            let cases: [(String, String, String)] = [
                ("snooze", "", "$.duration: missing field"),
                ("snooze", #"{"by": "alice"}"#, "$.duration: missing field"),
                ("snooze", #"{"duration": "soon"}"#, "$.duration: expected a duration"),
                ("snooze", #"{"duration": 30}"#, "$.duration: expected a duration string"),
                ("snooze", #"{"duration": "10s"}"#, "$.duration: a snooze lasts from 1m to 7d"),
                ("ack", #"{"duration": "30m"}"#, "$.duration: only snooze takes a duration"),
                ("ack", #"{"by": 7}"#, "$.by: expected a string"),
                ("ack", #"{"by": ""}"#, "$.by: expected 1 to 200 characters"),
                ("ack", #"{"who": "alice"}"#, "$.who: unknown field"),
                ("ack", "[]", "expected a JSON object"),
                ("ack", "{", "malformed JSON"),
            ]
            for (verb, body, reason) in cases {
                let r = try await http("POST", "\(h.base)/api/v1/incidents/\(id)/\(verb)", body: Data(body.utf8), headers: IncidentHarness.bearer)
                #expect(r.status == 400, "\(verb) \(body) → \(r.status)")
                #expect(
                    (r.json["error"] as? String)?.hasPrefix(reason) == true || (r.json["error"] as? String)?.contains(reason) == true,
                    "\(body): \(r.json)")
            }
            let unknown = try await http("POST", "\(h.base)/api/v1/incidents/0000000000000000/ack", headers: IncidentHarness.bearer)
            #expect(unknown.status == 404)

            let resolved = try await h.seed(events: [.resolve(by: "alice", via: .link)])
            let r = try await http("POST", "\(h.base)/api/v1/incidents/\(resolved.incident.id)/escalate", headers: IncidentHarness.bearer)
            #expect(r.status == 409)
            #expect((r.json["error"] as? String)?.contains("is resolved") == true)
            #expect(try await h.takeCommands().isEmpty, "nothing refused was published")
        }
    }

    @Test func redisDownIs503() async throws {
        try await IncidentHarness(redisPort: freePort()).run { h in
            for (method, path) in [("GET", "/api/v1/incidents"), ("GET", "/api/v1/incidents/abc"), ("POST", "/api/v1/incidents/abc/ack")] {
                let r = try await http(method, h.base + path, headers: IncidentHarness.bearer)
                #expect(r.status == 503, "\(path)")
                #expect(r.headers["retry-after"] == "10")
                #expect((r.json["error"] as? String)?.contains("Redis cannot be reached") == true)
            }
        }
    }
}
