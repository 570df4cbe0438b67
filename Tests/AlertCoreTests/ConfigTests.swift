import AlertCore
import Foundation
import TestSupport
import Testing
import YAMLConfig

let env = ["TOKEN": "0123456789abcdef0123", "SMTP_PW": "s3cret"]

func load(_ yaml: String, environment: [String: String] = env) throws(ConfigError) -> KlaxonConfig {
    try ConfigLoader.parse(yaml, environment: environment)
}

/// The problems a config yields, as "path: message".
func problems(_ yaml: String, environment: [String: String] = env) -> [String] {
    do {
        _ = try load(yaml, environment: environment)
        return []
    } catch {
        return error.issues.map { "\($0.path): \($0.message)" }
    }
}

@Suite struct ConfigTests {

    @Test func emptyConfigUsesDefaults() throws {
        let c = try load("")
        #expect(c.broker.url == "amqp://guest:guest@127.0.0.1:5672/")
        #expect(c.broker.queueType == .quorum)
        #expect(c.dedup.windowMillis == 300_000)
        #expect(c.dedup.failOpen)
        #expect(c.gateway.listen == ListenAddress(host: "0.0.0.0", port: 8080))
        #expect(c.delivery.retryDelaysMillis == [10_000, 60_000, 300_000, 900_000])
    }

    @Test func shippedLocalConfigIsValid() throws {
        let path = TestEnvironment.root.appendingPathComponent("deploy/local/klaxon.yaml").path
        let c = try ConfigLoader.load(path: path, environment: demoEnvironment(repoRoot: TestEnvironment.root))
        #expect(c.integrations.map(\.name) == ["demo-alertmanager"])
        #expect(c.integrations[0].timeZone.identifier == "Asia/Shanghai")
        #expect(c.router.routes.map(\.name) == ["database", "critical"])
        #expect(c.email.port == 8025)
        #expect(c.chat.robots.map(\.name) == ["demo-dingtalk", "demo-wecom"])
    }

    @Test func secretsComeFromTheEnvironment() throws {
        let c = try load(
            """
            integrations:
              - name: am
                kind: alertmanager
                token_env: TOKEN
            email:
              security: starttls
              username_env: TOKEN
              password_env: SMTP_PW
            """)
        #expect(c.integrations[0].token == "0123456789abcdef0123")
        #expect(c.email.password == "s3cret")
    }

    @Test(arguments: [
        ("brokr: {}", "brokr: unknown key"),
        ("broker: {prefetch: 0}", "broker.prefetch: expected a whole number from 1 to 65535, got \"0\""),
        ("broker: {queue_type: lazy}", "broker.queue_type: expected one of quorum, classic, got \"lazy\""),
        ("broker: {url: http://x}", "broker.url: expected an amqp:// or amqps:// URL"),
        ("dedup: {window: soon}", "dedup.window: expected a duration such as 30s, 5m or 1h of at least 1s, got \"soon\""),
        ("dedup: {fail_open: maybe}", "dedup.fail_open: expected true or false, got \"maybe\""),
        ("gateway: {listen: nowhere}", "gateway.listen: expected host:port, got \"nowhere\""),
        ("integrations: [{name: a, kind: nagios, token_env: TOKEN}]", "integrations[0].kind: expected one of"),
        ("integrations: [{name: a, kind: alertmanager}]", "integrations[0].token_env: missing (required)"),
        ("integrations: [{name: a, kind: alertmanager, token_env: NOPE}]", "integrations[0].token_env: environment variable NOPE is not set"),
        (
            "integrations: [{name: a, kind: alertmanager, token_env: TOKEN, time_zone: Mars/Base}]",
            "integrations[0].time_zone: unknown time zone \"Mars/Base\""
        ),
        (
            "integrations: [{name: a, kind: alertmanager, token_env: TOKEN}, {name: a, kind: alertmanager, token_env: TOKEN}]",
            "integrations[1].name: duplicate integration name \"a\""
        ),
        ("router: {routes: [{name: r, match: [{label: x, regex: '('}]}]}", "router.routes[0].match[0].regex: invalid regular expression"),
        ("router: {routes: [{name: r, match: [{label: x}]}]}", "router.routes[0].match[0]: give exactly one of equals"),
        ("router: {routes: [{name: r, match: [{label: x, field: y, equals: z}]}]}", "router.routes[0].match[0]: give exactly one of label or field"),
        ("router: {routes: [{name: r, notify: {pager: [x]}}]}", "router.routes[0].notify.pager: unknown channel"),
        ("router: {routes: [{name: r, notify: {email: [not-an-address]}}]}", "router.routes[0].notify.email[0]: not an e-mail address"),
        ("router: {default: {notify: {email: []}}}", "router.default.notify.email: list at least one recipient"),
        ("email: {security: ssl}", "email.security: expected one of none, starttls, tls"),
        ("email: {password_env: SMTP_PW}", "email.security: AUTH over plain SMTP would send the password in clear"),
        ("delivery: {retry_delays: [10s, later]}", "delivery.retry_delays[1]: expected a duration"),
        ("delivery: {retry_delays: [1h], idempotency_ttl: 30m}", "delivery.idempotency_ttl: must be longer than the sum of retry_delays (1h)"),
        ("- just\n- a list", "<root>"),
    ])
    func badConfigNamesThePath(yaml: String, expected: String) {
        let found = problems(yaml)
        #expect(found.contains { $0.hasPrefix(expected) || ($0.hasPrefix(": ") && expected == "<root>") }, "expected \(expected) in \(found)")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems("broker: {prefetch: -1, colour: blue}\ndedup: {window: x}\n")
        #expect(found.count == 3, "\(found)")
    }

    @Test func yamlSyntaxErrorNamesTheLine() {
        do {
            _ = try load("broker:\n  url: [unclosed\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.issues[0].line != nil)
            #expect(error.description.contains("YAML"))
        }
    }

    @Test func aliasCyclesAreRefused() {
        // libyaml resolves aliases to shared nodes; a self-reference would recurse for ever.
        #expect(!problems("a: &x [1, *x]").isEmpty)
    }

    @Test func durations() {
        #expect(parseDurationMillis("250ms") == 250)
        #expect(parseDurationMillis("10s") == 10_000)
        #expect(parseDurationMillis("1h30m") == 5_400_000)
        #expect(parseDurationMillis("2d") == 172_800_000)
        #expect(parseDurationMillis("10") == nil)
        #expect(parseDurationMillis("") == nil)
        #expect(parseDurationMillis("5 minutes") == nil)
        #expect(formatDurationMillis(90_000) == "1m30s")
        #expect(formatDurationMillis(250) == "250ms")
    }
}
