import Foundation
import Testing
@testable import AlertCore

@Suite struct WebhookTests {
    static let mapping = WebhookMapping(
        title: try! JSONPath("data.alert.name"), message: try! JSONPath("data.alert.text"),
        severity: try! JSONPath("data.level"), status: try! JSONPath("data.status"),
        fingerprint: try! JSONPath("data.items[0].id"),
        labels: [.init(name: "app", path: try! JSONPath("data.labels.app")), .init(name: "missing", path: try! JSONPath("nope.x"))])

    static let body = #"""
        {"data": {"alert": {"name": "Queue backlog", "text": "orders queue > 10k"}, "level": "P1", "status": "firing",
                  "items": [{"id": 123}], "labels": {"app": "orders"}}, "url": "https://app.example/alerts/123"}
        """#

    @Test func mappedFields() throws {
        let a = try Fixture.normalize(json: Self.body, kind: .webhook, options: NormalizeOptions(webhookMapping: Self.mapping))
        #expect(a.count == 1)
        #expect(a[0].title == "Queue backlog" && a[0].message == "orders queue > 10k")
        #expect(a[0].severity == "P1" && a[0].status == .firing && a[0].fingerprint == "123")
        #expect(a[0].labels == ["app": "orders"], "absent label paths are skipped")
        #expect(a[0].link("Details") == "https://app.example/alerts/123")
        #expect(a[0].fields["status"] == "firing")
    }

    @Test(arguments: [("resolved", true), ("ok", true), ("OK", true), ("Ok", false), ("firing", false)])
    func defaultResolvedValues(_ value: String, _ resolved: Bool) throws {
        let json = #"{"data": {"status": "\#(value)"}}"#
        let a = try Fixture.normalize(json: json, kind: .webhook, options: NormalizeOptions(webhookMapping: Self.mapping))
        #expect(a[0].status == (resolved ? .resolved : .firing))
        // Nothing mapped is present: the title falls back, the fingerprint hashes it.
        #expect(a[0].title == "Alert from test-integration" && a[0].fingerprint == Fingerprint.hash("Alert from test-integration"))
    }

    @Test func configuredResolvedValues() throws {
        var m = Self.mapping
        m.resolvedValues = ["CLEARED"]
        let a = try Fixture.normalize(json: #"{"data": {"status": "CLEARED"}}"#, kind: .webhook, options: NormalizeOptions(webhookMapping: m))
        #expect(a[0].status == .resolved && a[0].endsAt == Fixture.receivedAtText)
        let b = try Fixture.normalize(json: #"{"data": {"status": "resolved"}}"#, kind: .webhook, options: NormalizeOptions(webhookMapping: m))
        #expect(b[0].status == .firing)
    }

    @Test func rootArrayWithMapping() throws {
        let m = WebhookMapping(title: try JSONPath("[0].title"))
        let a = try Fixture.normalize(
            json: #"[{"title": "first"}, {"title": "second"}]"#, kind: .webhook, options: NormalizeOptions(webhookMapping: m))
        #expect(a.count == 1 && a[0].title == "first")
    }

    @Test func mappedValueOfWrongKindReadsAsAbsent() throws {
        let a = try Fixture.normalize(
            json: #"{"data": {"alert": {"name": {"en": "x"}, "text": "disk full"}, "level": true}}"#,
            kind: .webhook, options: NormalizeOptions(webhookMapping: Self.mapping))
        #expect(a[0].title == "disk full" && a[0].severity == "true")
    }

    @Test(arguments: [("ok", true), ("OK", true), ("Ok", true), ("alerting", false), ("resolved", false)])
    func onCallGenericState(_ state: String, _ resolved: Bool) throws {
        let a = try Fixture.normalize(json: #"{"title": "T", "state": "\#(state)", "url": "http://x.example/1"}"#, kind: .webhook)
        #expect(a[0].status == (resolved ? .resolved : .firing))
        #expect(a[0].link("Details") == "http://x.example/1")
        #expect(a[0].fingerprint == Fingerprint.hash("T"))
    }

    @Test func onCallGenericWrongTypes() throws {
        let e = Fixture.payloadError(json: #"["title"]"#, kind: .webhook)
        #expect(e?.description == "expected an object, got array", "without a mapping the body is an object")
        let t = try Fixture.normalize(json: #"{"title": ["a"], "message": "m"}"#, kind: .webhook)
        #expect(t[0].title == "m")
        let a = try Fixture.normalize(json: #"{"title": 42, "url": 7}"#, kind: .webhook)
        #expect(a[0].title == "42" && a[0].links.isEmpty)
    }

    @Test func formattedWebhookStates() throws {
        for (state, resolved) in [("ok", true), ("OK", true), ("oK", true), ("alerting", false), ("", false)] {
            let a = try Fixture.normalize(json: #"{"alert_uid": 77, "title": "T", "state": "\#(state)"}"#, kind: .formattedWebhook)
            #expect(a[0].status == (resolved ? .resolved : .firing), "state \(state)")
            #expect(a[0].fingerprint == "77")
        }
        let t = try Fixture.normalize(json: #"{"title": {"x": 1}}"#, kind: .formattedWebhook)
        #expect(t[0].title == "Alert from test-integration")
        let none = try Fixture.normalize(json: "{}", kind: .formattedWebhook)
        #expect(none[0].title == "Alert from test-integration" && none[0].status == .firing)
    }
}

@Suite struct JSONPathTests {
    @Test(arguments: [
        ("data.alert.name", "$.data.alert.name"), ("items[0]", "$.items[0]"), ("$.a.b", "$.a.b"), ("$a", "$.a"),
        ("[0].msg", "$[0].msg"), ("a[1][2].b", "$.a[1][2].b"), ("a-b.c_d", "$.a-b.c_d"),
    ])
    func parses(_ text: String, _ rendered: String) throws {
        #expect(try JSONPath(text).description == rendered)
    }

    @Test(arguments: ["", "$", "a..b", "a.", ".", "a[", "a[x]", "a[-1]", "a]b", "a[0]b"])
    func rejects(_ text: String) {
        #expect(throws: JSONPath.SyntaxError.self) { try JSONPath(text) }
    }

    @Test func lookup() throws {
        let body = try JSONParsing.parse(Array(#"{"a": {"b": [10, {"c": "x"}], "n": null}}"#.utf8))
        #expect(try JSONPath("a.b[1].c").text(in: body) == "x")
        #expect(try JSONPath("a.b[0]").text(in: body) == "10")
        #expect(try JSONPath("a.b[5]").text(in: body) == nil)
        #expect(try JSONPath("a.n").text(in: body) == nil)
        #expect(try JSONPath("a.b.c").text(in: body) == nil, "a key into an array is absent")
    }
}
