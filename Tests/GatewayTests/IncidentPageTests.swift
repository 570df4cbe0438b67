import AMQP
import AlertCore
import Escalation
import Foundation
import IncidentLinks
import TestSupport
import Testing

/// The pages of signed links against the real Redis (incidents seeded into the escalator's
/// store) and RabbitMQ (commands read off the escalation queue).
@Suite(.serialized) struct IncidentPageTests {
    @Test func openingTheLinkShowsTheIncidentAndAButtonPublishesExactlyOneCommand() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed(title: "Disk <full> & \"db-1\"", paged: ["alice", "bob"])
            let id = record.incident.id
            let link = h.link(id)

            let page = try await http("GET", h.pageURL(link))
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["cache-control"] == "no-store")
            #expect(page.headers["referrer-policy"] == "no-referrer")
            let html = page.text
            #expect(html.contains("<h1>Disk &lt;full&gt; &amp; &quot;db-1&quot;</h1>"), "the title, escaped")
            #expect(!html.contains("<full>"))
            #expect(!html.contains("<script"))
            for text in [
                "critical", "triggered: paging", "<dd>db</dd>", "step 1 of 2, pass 1", "People: Alice Zhang (alice), Bob Li (bob)",
                "Incident opened", "Step 1 fired (pass 1)", "Step 1 paged email:alice@example.com, email:bob@example.com",
                "<time datetime=\"2026-09-21T14:13:20.000Z\">",
            ] {
                #expect(html.contains(text), "page lacks \(text)")
            }
            let query = HTMLQuery.escape(link.query(secret: IncidentHarness.linkSecret))
            for action in ["acknowledge", "resolve", "snooze", "escalate"] {
                #expect(html.contains("<form method=\"post\" action=\"./\(id)/\(action)?\(query)\">"), "form \(action)")
            }
            #expect(html.contains("name=\"minutes\" value=\"30\">Snooze 30 min</button>"))
            #expect(html.contains("name=\"minutes\" value=\"120\">Snooze 2 h</button>"))
            #expect(!html.contains("<select"), "a personal link does not ask who is acting")
            // HEAD answers like GET; opening the page twice changes nothing either.
            #expect(try await http("HEAD", h.pageURL(link)).status == 200)

            // The button: 303 back to the page with the notice; the command on the queue.
            let post = try rawHTTP(port: h.port, "POST", "/incidents/\(id)/acknowledge?\(link.query(secret: IncidentHarness.linkSecret))")
            #expect(post.status == 303)
            let location = try #require(post.headers["location"])
            #expect(location == "/incidents/\(id)?\(link.query(secret: IncidentHarness.linkSecret))&done=acknowledge")
            let commands = try await h.takeCommands(expecting: 1)
            #expect(commands.count == 1, "the GETs published nothing, the button exactly one command")
            let c = try #require(commands.first)
            #expect(c.incidentID == id && c.action == .acknowledge && c.by == "alice" && c.via == .link && c.until == nil && c.at == h.now)
            #expect(UUID(uuidString: c.id) != nil, "a fresh unique id")
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await h.takeCommands().isEmpty, "nothing more")

            // Where the redirect leads: the page again, with what was done.
            let after = try await http(
                "GET", h.base + location)
            #expect(after.status == 200)
            #expect(after.text.contains("Acknowledged — paging stops."))
            #expect(h.metrics.value("klaxon_gateway_incident_actions_total", ["action": "acknowledge", "path": "link"]) == 1)

            // A browser-like client follows the redirect; a second press is a second command (the
            // escalator renews the acknowledgement), with its own id.
            let followed = try await http("POST", h.actionURL(link, "snooze"), body: Data("minutes=120".utf8))
            #expect(followed.status == 200)
            #expect(followed.text.contains("Snoozed for 2 h — paging resumes after that."))
            let snooze = try await h.takeCommands(expecting: 1)
            #expect(snooze.map(\.action) == [.snooze])
            #expect(snooze.first?.until == h.now.addingTimeInterval(7200))
            #expect(snooze.first?.id != c.id)
        }
    }

    @Test func aTeamLinkAsksWhoIsActingFromThePeoplePaged() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed(paged: ["alice", "bob"])
            let link = h.link(record.incident.id, person: "", actions: [.acknowledge, .resolve])
            let html = try await http("GET", h.pageURL(link)).text
            #expect(html.contains("This link was sent to a team"))
            #expect(html.components(separatedBy: "<select name=\"by\" required").count == 3, "one list per form (two actions)")
            #expect(html.contains("<option value=\"bob\">Bob Li (bob)</option>"))
            #expect(!html.contains("/snooze?") && !html.contains("/escalate?"), "only the link's actions")

            let missing = try await http("POST", h.actionURL(link, "resolve"))
            #expect(missing.status == 400)
            #expect(missing.text.contains("Say who is acting"))
            let stranger = try await http("POST", h.actionURL(link, "resolve"), body: Data("by=mallory".utf8))
            #expect(stranger.status == 400)
            #expect(stranger.text.contains("&quot;mallory&quot; was not paged for this incident"))
            let bob = try await http("POST", h.actionURL(link, "resolve"), body: Data("by=bob".utf8))
            #expect(bob.status == 200)
            #expect(bob.text.contains("Resolved — everyone paged is told."))
            let commands = try await h.takeCommands(expecting: 1)
            #expect(commands.map(\.by) == ["bob"])
            #expect(commands.map(\.action) == [.resolve])

            // Nobody paged by name (robots only): any name typed.
            let robots = try await h.seed(paged: [])
            let team = h.link(robots.incident.id, person: "")
            #expect(try await http("GET", h.pageURL(team)).text.contains("<input name=\"by\" required maxlength=\"100\""))
            let carol = try await http("POST", h.actionURL(team, "escalate"), body: Data("by=Carol+M%C3%BCller".utf8))
            #expect(carol.status == 200)
            #expect(try await h.takeCommands(expecting: 1).map(\.by) == ["Carol Müller"])
        }
    }

    @Test func badLinksGetClearPagesAndNoCommand() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed()
            let id = record.incident.id
            let good = h.link(id).query(secret: IncidentHarness.linkSecret)
            let cases: [(String, String, Int, String, String?)] = [
                (
                    "GET", "/incidents/\(id)?\(good.replacingOccurrences(of: "p=alice", with: "p=bob"))", 403, "signature does not match",
                    "bad_signature"
                ),
                (
                    "GET", "/incidents/\(id)?\(good.replacingOccurrences(of: "a=arse", with: "a=ares"))", 403, "signature does not match",
                    "bad_signature"
                ),
                (
                    "POST", "/incidents/\(id)/resolve?\(good.replacingOccurrences(of: "a=arse", with: "a=r"))", 403, "signature does not match",
                    "bad_signature"
                ),
                ("GET", "/incidents/\(id)?p=alice&a=arse", 400, "incomplete or damaged (no e)", "malformed"),
                ("GET", "/incidents/\(id)?\(good.replacingOccurrences(of: "a=arse", with: "a=axe"))", 400, "unknown action x", "malformed"),
                ("GET", "/incidents/\(id)", 400, "incomplete or damaged (no p)", "malformed"),
                (
                    "GET", "/incidents/0000000000000000?\(h.link("0000000000000000").query(secret: "another-secret-0123456789"))", 403,
                    "signed with another secret", "bad_signature"
                ),
                (
                    "GET", "/incidents/0000000000000000?\(h.link("0000000000000000").query(secret: IncidentHarness.linkSecret))", 404,
                    "no incident 0000000000000000", nil
                ),
                (
                    "POST", "/incidents/\(id)/acknowledge?\(h.link(id, actions: [.resolve]).query(secret: IncidentHarness.linkSecret))", 403,
                    "does not allow", "action_not_allowed"
                ),
                ("POST", "/incidents/\(id)/snooze?\(good)", 400, "form field minutes is missing", nil),
                ("POST", "/incidents/\(id)/delete?\(good)", 404, "Not found", nil),
                ("POST", "/incidents/\(id)?\(good)", 405, "POST is not allowed here; use GET, HEAD", nil),
                ("GET", "/incidents/\(id)/acknowledge?\(good)", 405, "GET is not allowed here; use POST", nil),
                ("GET", "/incidents/", 404, "Not found", nil),
                ("GET", "/incidents/\(id)/acknowledge/again", 404, "Not found", nil),
            ]
            for (method, path, status, text, reason) in cases {
                let before = reason.map { h.metrics.value("klaxon_gateway_incident_links_rejected_total", ["reason": $0]) }
                let r = try rawHTTP(port: h.port, method, path)
                #expect(r.status == status, "\(method) \(path) → \(r.status) \(r.text)")
                #expect(r.headers["content-type"] == "text/html; charset=utf-8", "\(path)")
                #expect(r.text.contains(text), "\(method) \(path): \(r.text)")
                if let reason, let before {
                    #expect(h.metrics.value("klaxon_gateway_incident_links_rejected_total", ["reason": reason]) == before + 1, "\(path)")
                }
            }
            // Expired: the same link after its end, by the gateway's clock.
            h.advance(seconds: 3601)
            let expired = try rawHTTP(port: h.port, "GET", "/incidents/\(id)?\(good)")
            #expect(expired.status == 410)
            #expect(expired.text.contains("This link has expired"))
            #expect(expired.text.contains("expired at 2026-09-21T15:13:20.000Z"))
            let expiredPost = try rawHTTP(port: h.port, "POST", "/incidents/\(id)/acknowledge?\(good)")
            #expect(expiredPost.status == 410)
            #expect(h.metrics.value("klaxon_gateway_incident_links_rejected_total", ["reason": "expired"]) == 2)
            #expect(try await h.takeCommands().isEmpty, "no bad link published anything")
        }
    }

    @Test func aResolvedIncidentShowsButRefusesButtons() async throws {
        try await IncidentHarness().run { h in
            let record = try await h.seed(events: [.acknowledge(by: "alice", via: .cli), .resolve(by: "bob", via: .api)])
            let link = h.link(record.incident.id)
            let page = try await http("GET", h.pageURL(link))
            #expect(page.status == 200)
            #expect(page.text.contains("s-resolved"))
            #expect(page.text.contains("Acknowledged by Alice Zhang (alice) via the CLI"))
            #expect(page.text.contains("Resolved by Bob Li (bob) via the API"))
            #expect(page.text.contains("This incident is resolved"))
            #expect(!page.text.contains("<form"))
            let post = try await http("POST", h.actionURL(link, "acknowledge"))
            #expect(post.status == 409)
            #expect(post.text.contains("Already resolved"))
            #expect(try await h.takeCommands().isEmpty)
        }
    }

    @Test func withoutALinkSecretThereAreNoPages() async throws {
        try await IncidentHarness(links: false).run { h in
            let record = try await h.seed()
            let r = try await http("GET", h.pageURL(h.link(record.incident.id)))
            #expect(r.status == 404)
            #expect(r.text.contains("Incident pages are off"))
            #expect(h.metrics.value("klaxon_gateway_incident_links_rejected_total", ["reason": "links_off"]) == 1)
        }
    }

    @Test func redisOrTheBrokerDownIsA503PageThatSaysSo() async throws {
        try await IncidentHarness(redisPort: freePort()).run { down in
            let r = try await http("GET", down.pageURL(down.link("0123456789abcdef")))
            #expect(r.status == 503)
            #expect(r.headers["retry-after"] == "10")
            #expect(r.text.contains("cannot reach its incident store (Redis)"))
        }
        try await IncidentHarness(brokerURL: "amqp://guest:guest@127.0.0.1:\(freePort())/").run { noBroker in
            let record = try await noBroker.seed()
            let post = try await http("POST", noBroker.actionURL(noBroker.link(record.incident.id), "acknowledge"))
            #expect(post.status == 503)
            #expect(post.text.contains("could not hand your action to the escalator"))
            #expect(noBroker.metrics.value("klaxon_gateway_incident_actions_total", ["action": "acknowledge", "path": "link"]) == 0)
        }
    }
}

/// The query as it appears in an HTML attribute.
enum HTMLQuery {
    static func escape(_ q: String) -> String { q.replacingOccurrences(of: "&", with: "&amp;") }
}
