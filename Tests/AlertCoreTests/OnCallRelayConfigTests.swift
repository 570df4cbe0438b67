import AlertCore
import Testing

/// `oncall_relay:`: on with a token, defaults, and one bad config per error with its path.
@Suite struct OnCallRelayConfigTests {
    @Test func offWithoutTheSectionOnWithAToken() throws {
        #expect(try load("").oncallRelay.isEnabled == false)
        let c = try load(
            """
            gateway: {public_url: "https://klaxon.example.com"}
            oncall_relay:
              tokens: [{name: oncall-prod, token_env: TOKEN}]
            """
        ).oncallRelay
        #expect(c.isEnabled && c.tokens == [.init(name: "oncall-prod", token: "0123456789abcdef0123")])
        #expect(c.path == "/oncall" && c.grafanaURL == "https://klaxon.example.com" && c.requestsPerMinute == 60 && c.template == nil)
        let custom = try load(
            """
            templates: {relay: {voice: {text: "{{alert.message}}"}}}
            oncall_relay:
              tokens: [{name: a, token_env: TOKEN}]
              path: /grafana/oncall
              grafana_url: https://grafana.example.com
              requests_per_minute: 5
              template: relay
            """
        ).oncallRelay
        #expect(custom.path == "/grafana/oncall" && custom.grafanaURL == "https://grafana.example.com")
        #expect(custom.requestsPerMinute == 5 && custom.template == "relay")
    }

    @Test(arguments: [
        ("oncall_relay: {path: /oncall}", "oncall_relay.tokens: missing (required)"),
        ("oncall_relay: {tokens: [{token_env: TOKEN}], grafana_url: https://g.example.com}", "oncall_relay.tokens[0].name: missing (required)"),
        ("oncall_relay: {tokens: [{name: a}], grafana_url: https://g.example.com}", "oncall_relay.tokens[0].token_env: missing (required)"),
        (
            "oncall_relay: {tokens: [{name: a, token_env: SHORT}], grafana_url: https://g.example.com}",
            "oncall_relay.tokens[0].token_env: the token must have at least 16 characters"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}, {name: a, token_env: TOKEN}], grafana_url: https://g.example.com}",
            "oncall_relay.tokens[1].name: duplicate token name \"a\""
        ),
        ("oncall_relay: {tokens: [{name: a, token_env: TOKEN}]}", "oncall_relay.grafana_url: missing (required without gateway.public_url)"),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: grafana}",
            "oncall_relay.grafana_url: expected an http:// or https:// URL"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, path: oncall}",
            "oncall_relay.path: expected a path such as /oncall"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, path: /oncall/}",
            "oncall_relay.path: expected a path such as /oncall"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, path: /on call}",
            "oncall_relay.path: expected a path such as /oncall"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, path: /api/oncall}",
            "oncall_relay.path: /api is a path of the gateway's own"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, requests_per_minute: 0}",
            "oncall_relay.requests_per_minute: expected a whole number from 1"
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, template: nope}",
            "oncall_relay.template: no template set \"nope\""
        ),
        (
            "oncall_relay: {tokens: [{name: a, token_env: TOKEN}], grafana_url: https://g.example.com, colour: red}",
            "oncall_relay.colour: unknown key"
        ),
    ])
    func badRelayConfigNamesTheField(yaml: String, expected: String) {
        let found = problems(yaml, environment: env.merging(["SHORT": "short"]) { a, _ in a })
        #expect(found.contains { $0.hasPrefix(expected) }, "expected \(expected) in \(found)")
    }
}
