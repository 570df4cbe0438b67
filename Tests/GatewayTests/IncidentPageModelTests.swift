import AlertCore
import Escalation
import EscalatorStore
import Foundation
import IncidentLinks
import OnCall
import TestSupport
import Testing

@testable import Gateway

/// The pure parts of the incident pages and API: paths, escaping, forms, bodies, tokens, the
/// timeline in words and the rendered page. No servers.
struct IncidentPageModelTests {
    @Test func paths() {
        let table: [(String, IncidentPath?)] = [
            ("/incidents/abc", .page(id: "abc")),
            ("/incidents/abc/acknowledge", .pageAction(id: "abc", segment: "acknowledge")),
            ("/incidents/a b", .page(id: "a b")),
            ("/incidents", .malformedPage),
            ("/incidents/", .malformedPage),
            ("/incidents//acknowledge", .malformedPage),
            ("/incidents/abc/", .malformedPage),
            ("/incidents/abc/x/y", .malformedPage),
            ("/api/v1/incidents", .apiList),
            ("/api/v1/incidents/abc", .apiIncident(id: "abc")),
            ("/api/v1/incidents/abc/ack", .apiAction(id: "abc", segment: "ack")),
            ("/api/v1/incidents/", .malformedAPI),
            ("/api/v1/incidents/abc/ack/x", .malformedAPI),
            ("/api/v2/incidents", .malformedAPI),
            ("/api", .malformedAPI),
            ("/integrations/alertmanager/t", nil),
            ("/incidentsx/abc", nil),
            ("/", nil),
        ]
        for (path, want) in table { #expect(IncidentPath(path) == want, "\(path)") }
        #expect(IncidentVerb(apiSegment: "ack") == .acknowledge)
        #expect(IncidentVerb(apiSegment: "acknowledge") == nil)
        #expect(IncidentVerb(pageSegment: "acknowledge") == .acknowledge)
        #expect(IncidentVerb(pageSegment: "ack") == nil)
    }

    @Test func escaping() {
        #expect(HTML.escape(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(HTML.escape("plain 中文 ✓") == "plain 中文 ✓")
        #expect(HTML.pathSegment("a/b:c d?e") == "a%2Fb%3Ac%20d%3Fe")
        #expect(HTML.pathSegment("0123abcDEF-._~") == "0123abcDEF-._~")
    }

    @Test func formsDecodeLikeBrowsersSendThem() {
        let table: [(String, [String: String])] = [
            ("by=alice&minutes=30", ["by": "alice", "minutes": "30"]),
            ("by=Carol+M%C3%BCller", ["by": "Carol Müller"]),
            ("by=a%2Bb%26c%3Dd", ["by": "a+b&c=d"]),
            ("by=first&by=second", ["by": "first"]),
            ("by=%ZZ&minutes=120", ["minutes": "120"]),
            ("flag&&x=", ["flag": "", "x": ""]),
            ("", [:]),
        ]
        for (body, want) in table { #expect(IncidentPageForm(body: Array(body.utf8)).fields == want, "\(body)") }
    }

    @Test func whoActsAndForHowLong() {
        let personal = IncidentLink(incidentID: "i", person: "alice", expires: 0)
        let team = IncidentLink(incidentID: "i", person: "", expires: 0)
        let form = { (s: String) in IncidentPageForm(body: Array(s.utf8)) }
        #expect(form("by=bob").actor(link: personal, paged: ["bob"]) == .success("alice"), "a personal link's person acts")
        #expect(form("by=bob").actor(link: team, paged: ["alice", "bob"]) == .success("bob"))
        #expect(form("by=+bob+").actor(link: team, paged: ["bob"]) == .success("bob"))
        #expect(form("").actor(link: team, paged: ["bob"]).failureText?.contains("Say who is acting") == true)
        #expect(form("by=eve").actor(link: team, paged: ["bob"]).failureText?.contains("\"eve\" was not paged") == true)
        #expect(form("by=Anyone").actor(link: team, paged: []) == .success("Anyone"))
        #expect(form("by=" + String(repeating: "x", count: 101)).actor(link: team, paged: []).failureText?.contains("too long") == true)
        #expect(form("by=a%07b").actor(link: team, paged: []).failureText?.contains("control characters") == true)
        #expect(form("minutes=30").snooze() == .success(.halfHour))
        #expect(form("minutes=120").snooze() == .success(.twoHours))
        #expect(form("minutes=45").snooze().failureText == "A snooze lasts 30 or 120 minutes, not \"45\".")
        #expect(form("").snooze().failureText?.contains("minutes is missing") == true)
    }

    @Test func apiBodies() {
        let ok: [(IncidentVerb, String, IncidentAPIBody)] = [
            (.acknowledge, "", IncidentAPIBody()),
            (.acknowledge, " \n", IncidentAPIBody()),
            (.acknowledge, "{}", IncidentAPIBody()),
            (.resolve, #"{"by":"alice"}"#, IncidentAPIBody(by: "alice")),
            (.snooze, #"{"duration":"2h"}"#, IncidentAPIBody(durationMillis: 7_200_000)),
            (.snooze, #"{"duration":"7d","by":"ops"}"#, IncidentAPIBody(by: "ops", durationMillis: 604_800_000)),
            (.escalate, "{\"by\":\"" + String(repeating: "é", count: 200) + "\"}", IncidentAPIBody(by: String(repeating: "é", count: 200))),
        ]
        for (verb, body, want) in ok {
            #expect((try? IncidentAPIBody.parse(Array(body.utf8), verb: verb, maxDepth: 8)) == want, "\(verb) \(body)")
        }
        let bad: [(IncidentVerb, String, String)] = [
            (.snooze, "", "$.duration"), (.snooze, "{}", "$.duration"), (.snooze, #"{"duration":"8d"}"#, "$.duration"),
            (.snooze, #"{"duration":"59s"}"#, "$.duration"), (.snooze, #"{"duration":""}"#, "$.duration"),
            (.acknowledge, #"{"duration":"1h"}"#, "$.duration"), (.acknowledge, #"{"by":null}"#, "$.by"),
            (.acknowledge, #"{"by":"  "}"#, "$.by"), (.acknowledge, #"{"by":"a\u0000b"}"#, "$.by"),
            // 201 scalars, 200 characters (e + combining acute is one character, two scalars).
            (.acknowledge, "{\"by\":\"" + String(repeating: "e\u{301}", count: 100) + "x\"}", "$.by"),
            (.acknowledge, #"{"by":"a","x":1}"#, "$.x"), (.acknowledge, "1", "$"), (.acknowledge, "[[[[[[[[[[]]]]]]]]]]", "$"),
        ]
        for (verb, body, path) in bad {
            do {
                _ = try IncidentAPIBody.parse(Array(body.utf8), verb: verb, maxDepth: 8)
                Issue.record("\(verb) \(body) was accepted")
            } catch { #expect(error.path == path, "\(verb) \(body): \(error)") }
        }
    }

    @Test func bearerTokens() {
        let tokens = [IncidentsConfig.APIToken(name: "ops-bot", token: "token-one-0123456789"), .init(name: "ci", token: "token-two-0123456789")]
        let table: [(String?, Result<String, Refusal>)] = [
            ("Bearer token-one-0123456789", .success("ops-bot")),
            ("bearer   token-two-0123456789 ", .success("ci")),
            ("Bearer token-two-012345678", .failure("invalid bearer token")),
            ("Bearer token-two-01234567890", .failure("invalid bearer token")),
            ("Basic dG9rZW4=", .failure("malformed Authorization header: expected Bearer <token>")),
            ("Bearer", .failure("malformed Authorization header: expected Bearer <token>")),
            (nil, .failure("missing bearer token: send Authorization: Bearer <token> (a token from incidents.api_tokens)")),
            ("", .failure("missing bearer token: send Authorization: Bearer <token> (a token from incidents.api_tokens)")),
        ]
        for (header, want) in table { #expect(IncidentAPIAuth.check(header, tokens: tokens) == want, "\(header ?? "nil")") }
        #expect(IncidentAPIAuth.check("Bearer x", tokens: []) == .failure("the incident API has no tokens configured (incidents.api_tokens)"))
    }

    @Test func everyTimelineEntryInWords() {
        let text = IncidentText(people: [Person(id: "alice", name: "Alice Zhang")])
        let t = Date(timeIntervalSince1970: 1_790_000_000)
        let table: [(TimelineEntry.What, String)] = [
            (.opened, "Incident opened"),
            (.stepFired(step: 1, loop: 0), "Step 2 fired (pass 1)"),
            (.stepSkipped(step: 0, loop: 2), "Step 1 skipped: its condition was false (pass 3)"),
            (
                .paged(step: 0, loop: 0, recipients: ["email:a@x", "dingtalk:ops"], gaps: ["db"]),
                "Step 1 paged email:a@x, dingtalk:ops; nobody on call in db"
            ),
            (.paged(step: 1, loop: 0, recipients: [], gaps: []), "Step 2 paged nobody reachable"),
            (.exhausted(loops: 1), "The steps ran out after 1 pass; the team was told"),
            (.exhausted(loops: 3), "The steps ran out after 3 passes; the team was told"),
            (.repeatAttached(count: 4), "The alert fired again (repeat 4)"),
            (.acknowledged(by: "alice", via: .link), "Acknowledged by Alice Zhang (alice) via a link"),
            (.ackReminded(by: "bob"), "Reminded bob that the acknowledgement expires soon"),
            (.ackExpired(by: "alice"), "The acknowledgement of Alice Zhang (alice) expired; paging restarted"),
            (.snoozed(until: t, by: "ops-bot", via: .api), "Snoozed until 2026-09-21T14:13:20.000Z by ops-bot via the API"),
            (.unsnoozed(by: nil, via: nil), "The snooze ended; paging resumed"),
            (.unsnoozed(by: "alice", via: .chat), "Snooze ended by Alice Zhang (alice) via chat; paging resumed"),
            (.escalated(by: "alice", via: .cli), "Escalated by Alice Zhang (alice) via the CLI"),
            (.sourceResolved(resolvesIncident: true), "The source resolved the alert; the incident is resolved"),
            (
                .sourceResolved(resolvesIncident: false),
                "The source resolved the alert (the policy keeps the incident open until a person resolves it)"
            ),
            (.resolved(by: "alice", via: .phoneKey), "Resolved by Alice Zhang (alice) via a phone key"),
            (.ignored(event: "unsnooze", status: .triggered), "Ignored unsnooze: the incident was triggered"),
        ]
        for (what, want) in table { #expect(text.describe(what) == want) }
    }

    @Test func thePageShowsOnlyWhatTheLinkAllowsAndEscapesEverything() throws {
        var (incident, _) = Incident.open(policy: IncidentHarness.policy, fingerprint: "fp", now: IncidentHarness.t0)
        incident.paged = EscalationTargets(people: ["alice", "<b>"], channels: [ChannelTarget(.dingtalk, ["ops & co"])])
        var alert = Fx.alert("<script>alert(1)</script>", fingerprint: "fp")
        alert.message = "it's \"bad\""
        alert.severity = "<i>high</i>"
        let record = IncidentRecord(incident: incident, alert: alert)
        let text = IncidentText(people: [Person(id: "alice", name: "Al <ice>")])
        let link = IncidentLink(incidentID: incident.id, person: "", actions: [.escalate], expires: 1_790_003_600)
        let page = IncidentPage(record: record, link: link, query: "p=&a=e&e=1&s=x", text: text, steps: 2, notice: .escalated).html()
        #expect(!page.contains("<script>") && !page.contains("<i>") && !page.contains("<b>") && !page.contains("<ice>"))
        #expect(page.contains("<title>[&lt;i&gt;high&lt;/i&gt;] &lt;script&gt;alert(1)&lt;/script&gt; · Klaxon</title>"))
        #expect(page.contains("<p>it&#39;s &quot;bad&quot;</p>"))
        #expect(page.contains("People: Al &lt;ice&gt; (alice), &lt;b&gt;<br>dingtalk: ops &amp; co"))
        #expect(page.contains("<option value=\"&lt;b&gt;\">&lt;b&gt;</option>"))
        #expect(page.contains("Escalated — the next step is paged now."))
        #expect(page.contains("step 1 of 2, pass 1"))
        #expect(page.components(separatedBy: "<form").count == 2, "one form: the link allows escalate only")
        #expect(page.contains("action=\"./\(incident.id)/escalate?p=&amp;a=e&amp;e=1&amp;s=x\""))
        #expect(page.contains("link for a team · expires 2026-09-21T15:13:20.000Z"))

        let none = IncidentPage(
            record: record, link: IncidentLink(incidentID: incident.id, person: "alice", actions: [], expires: 0), query: "", text: text,
            steps: nil, notice: nil
        ).html()
        #expect(none.contains("This link allows no actions.") && !none.contains("<form"))
        #expect(none.contains("step 1, pass 1"))

        let notices: [(String?, IncidentPage.Notice?)] = [
            ("acknowledge", .acknowledged), ("resolve", .resolved), ("escalate", .escalated), ("snooze-30", .snoozed(minutes: 30)),
            ("snooze-120", .snoozed(minutes: 120)), ("snooze-45", nil), ("<x>", nil), (nil, nil),
        ]
        for (value, want) in notices { #expect(IncidentPage.Notice(query: value) == want, "\(value ?? "nil")") }
        for n in [IncidentPage.Notice.acknowledged, .resolved, .escalated, .snoozed(minutes: 30)] {
            #expect(IncidentPage.Notice(query: n.queryValue) == n)
        }
    }
}

extension Result where Failure == Refusal {
    /// The refusal's sentence, nil on success.
    var failureText: String? {
        if case .failure(let r) = self { return r.message }
        return nil
    }
}
