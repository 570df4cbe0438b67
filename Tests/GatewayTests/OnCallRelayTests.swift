import AMQP
import AlertCore
import Foundation
import OnCall
import TestSupport
import Testing
import WorkerKit

@testable import Gateway

/// The Grafana OnCall cloud relay against the real gateway, broker and Redis, driven by requests
/// built as OnCall OSS builds them (`phone_backend.py`, `cloud_connector.py`, `cloud_heartbeat.py`).
@Suite(.serialized) struct OnCallRelayTests {
    static let userKeys: Set<String> = ["id", "grafana_id", "email", "username", "role", "is_phone_number_verified"]
    static let pageKeys: Set<String> = ["count", "next", "previous", "results", "page_size", "current_page_number", "total_pages"]

    /// `CloudConnector.sync_with_cloud`: `GET api/v1/info/`, 200 `{"url"}`; 403 means "Invalid token".
    @Test func infoAnswersTheGrafanaURLAndEveryEndpointRefusesAWrongToken() async throws {
        let h = try OnCallRelayHarness()
        let info = try await h.get("api/v1/info/")
        #expect(info.status == 200 && info.headers["content-type"] == "application/json")
        #expect(info.text == #"{"url":"https://grafana.example.com"}"#)
        #expect(try await h.get("api/v1/info").status == 200, "trailing slash optional")
        for token in [nil, "", "wrong-token-0123456789", "Bearer \(OnCallRelayHarness.token)"] {
            for path in ["api/v1/info/", "api/v1/users?page=1&short=true&roles=0&roles=1", "api/v1/integrations/?name=x"] {
                let r = try await h.get(path, token: token)
                #expect(r.status == 403 && r.headers["content-type"] == "application/json", "\(path) with \(token ?? "no header")")
                #expect((r.json["error"] as? String)?.contains("oncall_relay.tokens") == true, "\(r.text)")
            }
            for path in ["api/v1/make_call", "api/v1/send_sms", "api/v1/integrations/"] {
                let r = try await h.post(
                    path, form: [("email", "alice@example.com"), ("message", "x"), ("type", "formatted_webhook"), ("name", "n")], token: token)
                #expect(r.status == 403, "\(path) with \(token ?? "no header"): \(r.status) \(r.text)")
            }
        }
        #expect(try await h.takeNotifications(.voice, count: 0).isEmpty)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "info", "outcome": "ok"]) == 2)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "make_call", "outcome": "bad_token"]) == 4)
        await h.finish()
    }

    /// `sync_users_with_cloud`: `urljoin(users_url, "?page=1&short=true&roles=0&roles=1")`.
    @Test func usersAnswerThePageOnCallSyncs() async throws {
        let h = try OnCallRelayHarness()
        let r = try await h.get("api/v1/users?page=1&short=true&roles=0&roles=1")
        #expect(r.status == 200)
        let page = r.json
        #expect(Set(page.keys) == Self.pageKeys)
        #expect(page["count"] as? Int == 3 && page["page_size"] as? Int == 100)
        #expect(page["current_page_number"] as? Int == 1 && page["total_pages"] as? Int == 1)
        #expect(page["next"] is NSNull && page["previous"] is NSNull)
        let users = try #require(page["results"] as? [[String: Any]])
        #expect(users.map { $0["email"] as? String } == ["alice@example.com", "Bob@Example.com", "carol+oncall@example.com"], "dave has no e-mail")
        for u in users { #expect(Set(u.keys) == Self.userKeys, "\(u)") }
        let alice = users[0]
        let id = try #require(alice["id"] as? String)
        #expect(id.count <= 20 && id == OnCallRelayUsers.userID("alice"))
        #expect(alice["grafana_id"] as? Int == OnCallRelayUsers.grafanaID("alice"))
        #expect(alice["username"] as? String == "alice" && alice["role"] as? String == "editor")
        #expect(
            r.text.contains(
                #""email":"alice@example.com","grafana_id":\#(OnCallRelayUsers.grafanaID("alice")),"id":"\#(id)","is_phone_number_verified":true"#))
        #expect(
            r.text.contains(
                #""email":"Bob@Example.com","grafana_id":\#(OnCallRelayUsers.grafanaID("bob")),"id":"\#(OnCallRelayUsers.userID("bob"))","is_phone_number_verified":false"#
            ))
        // The same ids on every request (and every replica: they derive from the person id).
        let again = try #require(try await h.get("api/v1/users?page=1&short=true&roles=0&roles=1").json["results"] as? [[String: Any]])
        #expect(again.map { $0["id"] as? String } == users.map { $0["id"] as? String })
        #expect(Set(users.compactMap { $0["id"] as? String }).count == 3)
        // Without short=true: OnCall's full user adds timezone, teams and slack.
        let full = try #require(try await h.get("api/v1/users?roles=1").json["results"] as? [[String: Any]])
        #expect(
            full.count == 3 && full[0]["timezone"] as? String == "UTC" && (full[0]["teams"] as? [Any])?.isEmpty == true && full[0]["slack"] is NSNull)
        // Klaxon's people are editors: asking for admins or viewers only finds nobody.
        let admins = try await h.get("api/v1/users?roles=0&roles=2")
        #expect(admins.status == 200 && admins.json["count"] as? Int == 0 && (admins.json["results"] as? [Any])?.isEmpty == true)
        await h.finish()
    }

    /// `sync_user_with_cloud`: `api/v1/users/?email={user.email}&roles=0&roles=1&short=true`, the
    /// address unencoded (a `+` arrives as a space).
    @Test func usersByEmailAsOnCallSyncsOnePerson() async throws {
        let h = try OnCallRelayHarness()
        for (email, expected) in [
            ("alice@example.com", "alice@example.com"), ("ALICE@example.COM", "alice@example.com"), ("bob@example.com", "Bob@Example.com"),
            ("carol+oncall@example.com", "carol+oncall@example.com"), ("carol%2Boncall@example.com", "carol+oncall@example.com"),
        ] {
            let r = try await h.get("api/v1/users/?email=\(email)&roles=0&roles=1&short=true")
            let results = try #require(r.json["results"] as? [[String: Any]], "\(r.text)")
            #expect(r.status == 200 && results.count == 1 && results.first?["email"] as? String == expected, "\(email): \(r.text)")
            #expect(r.json["count"] as? Int == 1)
        }
        let none = try await h.get("api/v1/users/?email=nobody@example.com&roles=0&roles=1&short=true")
        #expect(none.status == 200 && none.json["count"] as? Int == 0 && (none.json["results"] as? [Any])?.isEmpty == true)
        await h.finish()
    }

    /// `next` is an absolute URL OnCall can follow, keeping the query (repeated roles too);
    /// `previous` of page 2 drops `page`, as Django REST framework writes it.
    @Test func pagesLinkToEachOtherWithAbsoluteURLs() async throws {
        let h = try OnCallRelayHarness()
        let first = try await h.get("api/v1/users?page=1&short=true&roles=0&roles=1&perpage=1")
        #expect(first.json["total_pages"] as? Int == 3 && first.json["page_size"] as? Int == 1)
        let next = try #require(first.json["next"] as? String)
        #expect(next == "\(h.api)/api/v1/users?page=2&short=true&roles=0&roles=1&perpage=1")
        let second = try await http("GET", next, headers: ["Authorization": OnCallRelayHarness.token])
        #expect(second.json["current_page_number"] as? Int == 2)
        #expect((second.json["results"] as? [[String: Any]])?.first?["email"] as? String == "Bob@Example.com")
        #expect(second.json["previous"] as? String == "\(h.api)/api/v1/users?short=true&roles=0&roles=1&perpage=1")
        let third = try await http("GET", try #require(second.json["next"] as? String), headers: ["Authorization": OnCallRelayHarness.token])
        #expect(
            third.json["next"] is NSNull && third.json["previous"] as? String == "\(h.api)/api/v1/users?page=2&short=true&roles=0&roles=1&perpage=1")
        // Past the last page: the last page, as on Grafana's cloud.
        #expect(try await h.get("api/v1/users?page=9&perpage=1").json["current_page_number"] as? Int == 3)
        await h.finish()

        // With gateway.public_url, links use it (the gateway behind a proxy).
        let proxied = try OnCallRelayHarness(gateway: "public_url: https://klaxon.example.com/")
        let p = try await proxied.get("api/v1/users/?perpage=2")
        #expect(p.json["next"] as? String == "https://klaxon.example.com/oncall/api/v1/users/?page=2&perpage=2")
        await proxied.finish()
    }

    @Test func badUserQueriesAre400NamingTheParameter() async throws {
        let h = try OnCallRelayHarness()
        for (query, field) in [
            ("roles=7", "roles"), ("roles=admin", "roles"), ("page=0", "page"), ("page=two", "page"), ("short=yes", "short"),
            ("perpage=0", "perpage"),
        ] {
            let r = try await h.get("api/v1/users?\(query)")
            #expect(r.status == 400 && (r.json["error"] as? String)?.hasPrefix("\(field): ") == true, "\(query): \(r.status) \(r.text)")
        }
        #expect(try await h.post("api/v1/users", form: []).status == 405)
        let unknown = try await h.get("api/v1/alert_groups")
        #expect(unknown.status == 404 && unknown.json["error"] != nil)
        await h.finish()
    }

    /// `_notify_by_cloud_call`: `POST api/v1/make_call` with `data={"email", "message"}`.
    @Test func makeCallPublishesAVoiceNotificationForThePersonsPhone() async throws {
        let h = try OnCallRelayHarness()
        let message =
            "You are invited to check an incident from Grafana OnCall. Alert via Grafana Alerting with title HighCPU & load triggered 1 times"
        let r = try await h.post("api/v1/make_call", form: [("email", "alice@example.com"), ("message", message)])
        #expect(r.status == 200 && r.text == "{}" && r.headers["content-type"] == "application/json")
        let got = try await h.takeNotifications(.voice, count: 1)
        let n = try #require(got.first?.notification)
        #expect(n.channel == "voice" && n.recipients == ["+15005550001"])
        #expect(n.alert.title == message && n.alert.message == message && n.incident == nil && n.template == nil)
        #expect(n.id.hasPrefix("oncall-relay-") && got.first?.messageID == n.id && n.alert.id == n.id)
        #expect(n.route == "oncall-relay:oncall-prod" && n.alert.labels["person"] == "alice")
        #expect(try await h.takeNotifications(.sms, count: 0).isEmpty)

        // The same text again is a second call (OnCall pages twice on purpose), and a trailing
        // slash works too.
        #expect(try await h.post("api/v1/make_call/", form: [("email", "alice@example.com"), ("message", message)]).status == 200)
        #expect(try await h.post("api/v1/make_call", form: [("email", "ALICE@EXAMPLE.COM"), ("message", message)]).status == 200)
        let twice = try await h.takeNotifications(.voice, count: 2)
        #expect(twice.count == 2 && Set(twice.map(\.notification.id)).count == 2 && !twice.contains { $0.notification.id == n.id })
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "make_call", "outcome": "ok"]) == 3)
        await h.finish()
    }

    /// `_notify_by_cloud_sms`: `POST api/v1/send_sms`, the same form.
    @Test func sendSMSPublishesAnSMSNotification() async throws {
        let h = try OnCallRelayHarness(relay: "template: relay", extra: "templates:\n  relay:\n    sms: {text: \"{{alert.message}}\"}")
        let message = "Grafana OnCall: Alert group #12 \"HighCPU\" via Grafana Alerting, alert channel: #ops"
        let r = try await h.post("api/v1/send_sms", form: [("email", "carol+oncall@example.com"), ("message", message)])
        #expect(r.status == 200 && r.text == "{}")
        let n = try #require(try await h.takeNotifications(.sms, count: 1).first?.notification)
        #expect(n.channel == "sms" && n.recipients == ["+15005550002"] && n.alert.message == message && n.template == "relay")
        #expect(try await h.takeNotifications(.voice, count: 0).isEmpty)
        await h.finish()
    }

    @Test func callAndSMSErrorsAreTheAnswersOnCallReads() async throws {
        let h = try OnCallRelayHarness()
        for path in ["api/v1/make_call", "api/v1/send_sms"] {
            let missing = try await h.post(path, form: [("email", "nobody@example.com"), ("message", "x")])
            #expect(missing.status == 404 && missing.text == #"{"error":"user-not-found"}"#, "\(path)")
            let noPhone = try await h.post(path, form: [("email", "bob@example.com"), ("message", "x")])
            #expect(noPhone.status == 400 && noPhone.text == #"{"error":"number-not-verified"}"#, "\(path)")
            for (form, field) in [
                ([("message", "x")], "email"), ([("email", ""), ("message", "x")], "email"), ([("email", "alice")], "email"),
                ([("email", "alice@example.com")], "message"), ([("email", "alice@example.com"), ("message", "   ")], "message"),
                ([("email", "alice@example.com"), ("message", String(repeating: "é", count: 1025))], "message"),
            ] {
                let r = try await h.post(path, form: form)
                #expect(r.status == 400 && (r.json["error"] as? String)?.hasPrefix("\(field): ") == true, "\(path) \(form): \(r.text)")
            }
            let wrongMethod = try await h.get(path)
            #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "POST")
        }
        // 1024 characters is the limit, inclusive.
        let longest = String(repeating: "é", count: 1024)
        #expect(try await h.post("api/v1/make_call", form: [("email", "alice@example.com"), ("message", longest)]).status == 200)
        let n = try await h.takeNotifications(.voice, count: 1)
        #expect(n.count == 1 && n.first?.notification.alert.message == longest)
        #expect(try await h.takeNotifications(.sms, count: 0).isEmpty)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "send_sms", "outcome": "user_not_found"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "make_call", "outcome": "number_not_verified"]) == 1)
        await h.finish()
    }

    /// `requests_per_minute` per token, calls and SMS together, shared by two gateway replicas
    /// through Redis.
    @Test func theThrottleIsSharedByReplicasThroughRedis() async throws {
        let a = try OnCallRelayHarness(relay: "requests_per_minute: 3")
        let b = try OnCallRelayHarness(relay: "requests_per_minute: 3", namespace: a.namespace)
        let form = [("email", "alice@example.com"), ("message", "db down")]
        #expect(try await a.post("api/v1/make_call", form: form).status == 200)
        #expect(try await b.post("api/v1/send_sms", form: form).status == 200)
        #expect(try await a.post("api/v1/make_call", form: form).status == 200)
        for h in [b, a] {
            let r = try await h.post("api/v1/make_call", form: form)
            #expect(r.status == 400 && r.text == #"{"error":"limit-exceeded"}"#)
        }
        #expect(try await a.takeNotifications(.voice, count: 2).count == 2)
        #expect(try await a.takeNotifications(.sms, count: 1).count == 1)
        #expect(try await a.takeNotifications(.voice, count: 0).isEmpty)
        #expect(a.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "make_call", "outcome": "limit_exceeded"]) == 1)
        await b.finish(clean: false)
        await a.finish()
    }

    /// Without Redis, each gateway process counts on its own.
    @Test func withoutRedisTheThrottleIsPerProcess() async throws {
        let a = try OnCallRelayHarness(relay: "requests_per_minute: 1", redis: false)
        let b = try OnCallRelayHarness(relay: "requests_per_minute: 1", redis: false, namespace: a.namespace)
        let form = [("email", "alice@example.com"), ("message", "db down")]
        #expect(try await a.post("api/v1/make_call", form: form).status == 200)
        #expect(try await a.post("api/v1/make_call", form: form).text == #"{"error":"limit-exceeded"}"#)
        #expect(try await b.post("api/v1/make_call", form: form).status == 200)
        #expect(try await a.takeNotifications(.voice, count: 2).count == 2)
        await b.finish(clean: false)
        await a.finish()
    }

    /// A broker that cannot confirm: 503 `{"error":"failed"}` (OnCall logs "not able to call").
    @Test func aBrokerThatCannotConfirmIsFailed() async throws {
        let h = try OnCallRelayHarness(gateway: "publish_timeout: 500ms", brokerURL: "amqp://guest:guest@127.0.0.1:\(freePort())/")
        let r = try await h.post("api/v1/make_call", form: [("email", "alice@example.com"), ("message", "db down")])
        #expect(r.status == 503 && r.text == #"{"error":"failed"}"#)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "make_call", "outcome": "failed"]) == 1)
        await h.finish(clean: false)
    }

    /// `setup_heartbeat_integration` and `send_cloud_heartbeat`.
    @Test func theHeartbeatIntegrationIsCreatedFoundAndPolled() async throws {
        let h = try OnCallRelayHarness()
        let name = "OnCall Cloud Heartbeat http://oncall.example.com:8080"
        let created = try await h.post("api/v1/integrations/", form: [("type", "formatted_webhook"), ("name", name)])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        let link = try #require((created.json["heartbeat"] as? [String: Any])?["link"] as? String)
        #expect(link == "\(h.api)/integrations/v1/heartbeat/\(id)/")

        // A second create (OnCall lost its record): 400 with the exact detail OnCall compares,
        // then OnCall's GET ?name= (requests quotes the spaces) finds the same one.
        let again = try await h.post("api/v1/integrations/", form: [("type", "formatted_webhook"), ("name", name)])
        #expect(again.status == 400 && again.text == #"{"detail":"Integration with this name already exists"}"#)
        let found = try await h.get("api/v1/integrations/?name=\(name.replacingOccurrences(of: " ", with: "%20"))")
        let results = try #require(found.json["results"] as? [[String: Any]])
        #expect(found.status == 200 && results.count == 1)
        #expect(results.first?["id"] as? String == id && (results.first?["heartbeat"] as? [String: Any])?["link"] as? String == link)
        let other = try await h.get("api/v1/integrations/?name=other")
        #expect(other.status == 200 && (other.json["results"] as? [Any])?.isEmpty == true)

        // The heartbeat: requests.get(link) without a token.
        let beat = try await http("GET", link)
        #expect(beat.status == 200)
        #expect(
            h.metrics.value("klaxon_gateway_oncall_heartbeat_last_seconds", ["token": "oncall-prod"]) == OnCallRelayHarness.t0.timeIntervalSince1970)
        #expect(try await http("GET", String(link.dropLast())).status == 200, "trailing slash optional")
        // A link the relay does not know: 403, so OnCall creates the integration again.
        let unknown = try await http("GET", "\(h.api)/integrations/v1/heartbeat/Hdeadbeef/")
        #expect(unknown.status == 403 && unknown.json["error"] != nil)

        // Another replica (same Redis) knows it too.
        let b = try OnCallRelayHarness(namespace: h.namespace)
        #expect(try await b.post("api/v1/integrations/", form: [("type", "formatted_webhook"), ("name", name)]).status == 400)
        #expect(try await http("GET", "\(b.api)/integrations/v1/heartbeat/\(id)/").status == 200)
        await b.finish(clean: false)

        // Bad forms.
        for form in [[("name", "x")], [("type", "grafana"), ("name", "x")], [("type", "formatted_webhook")]] {
            let r = try await h.post("api/v1/integrations/", form: form)
            #expect(r.status == 400 && r.json["error"] != nil, "\(form): \(r.text)")
        }
        #expect(try await h.get("api/v1/integrations/").status == 400)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "integrations", "outcome": "created"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_oncall_relay_requests_total", ["endpoint": "heartbeat", "outcome": "ok"]) == 2)
        await h.finish()
    }

    /// The id derives from the token and the name: a changed token makes the old link unknown.
    @Test func aLinkOfAnotherTokenIsUnknown() async throws {
        let h = try OnCallRelayHarness(redis: false)
        let created = try await h.post("api/v1/integrations/", form: [("type", "formatted_webhook"), ("name", "hb")])
        let id = try #require(created.json["id"] as? String)
        #expect(id == OnCallRelayIntegrations.id(name: "hb", token: .init(name: "oncall-prod", token: OnCallRelayHarness.token)))
        #expect(id != OnCallRelayIntegrations.id(name: "hb", token: .init(name: "oncall-prod", token: "another-token-0123456789")))
        #expect(try await http("GET", "\(h.api)/integrations/v1/heartbeat/\(id)").status == 200)
        await h.finish()
    }

    @Test func withoutTokensTheRelayIsNotThere() async throws {
        let h = try GatewayHarness()
        let r = try await http("GET", "\(h.base)/oncall/api/v1/info/", headers: ["Authorization": OnCallRelayHarness.token])
        #expect(r.status == 404)
        await h.finish()
    }
}
