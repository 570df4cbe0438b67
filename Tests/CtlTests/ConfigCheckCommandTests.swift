import Ctl
import Foundation
import Testing
import TestSupport

@Suite struct ConfigCheckCommandTests {
    static let local = TestEnvironment.root.appendingPathComponent("deploy/local/klaxon.yaml").path

    func temp(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klaxonctl-check-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validConfigPrintsOkAndASummary() async throws {
        let (code, out) = await ctl(["config", "check", Self.local], environment: demoEnvironment(repoRoot: TestEnvironment.root))
        #expect(code == 0, "\(out.stderr)")
        #expect(out.lines.first == "ok: \(Self.local)")
        #expect(out.stdout.contains("namespace klaxon, quorum queues"))
        #expect(out.stdout.contains("integrations: 1: demo-alertmanager (alertmanager)"))
        #expect(out.stdout.contains("retries:      10s, 1m, 5m, 15m"))
    }

    @Test func missingSecretsAreErrorsUnlessSkipped() async throws {
        let (c1, o1) = await ctl(["config", "check", Self.local])
        #expect(c1 == 1)
        // The line moves whenever the shipped file is edited; the path and the message do not.
        #expect(o1.stderr.contains("integrations[0].token_env (line "))
        #expect(o1.stderr.contains("): environment variable KLAXON_DEMO_TOKEN is not set"))
        for flag in ["--skip-secrets", "--no-env"] {
            let (c2, o2) = await ctl(["config", "check", Self.local, flag])
            #expect(c2 == 0, "\(o2.stderr)")
            #expect(o2.stdout.contains("not checked (--skip-secrets)"))
        }
        let (c3, o3) = await ctl(["config", "check", "--skip-secrets"], environment: ["KLAXON_CONFIG": Self.local])
        #expect(c3 == 0, "KLAXON_CONFIG is the default PATH: \(o3.stderr)")
    }

    @Test func everyErrorIsPrintedWithItsPath() async throws {
        let path = try temp(
            """
            brokr: {}
            broker: {prefetch: 0, queue_type: lazy}
            dedup: {window: soon}
            router:
              routes:
                - name: r
                  match: [{label: x, regex: '('}]
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (code, out) = await ctl(["config", "check", path, "--skip-secrets"])
        #expect(code == 1)
        #expect(out.stdout.isEmpty)
        for expected in [
            "brokr (line 1): unknown key", "broker.prefetch (line 2): expected a whole number from 1 to 65535, got \"0\"",
            "broker.queue_type (line 2): expected one of quorum, classic, got \"lazy\"", "dedup.window (line 3):",
            "router.routes[0].match[0].regex", "\(path): 5 problems",
        ] {
            #expect(out.stderr.contains(expected), "\(expected) in:\n\(out.stderr)")
        }
    }

    @Test func peopleSchedulesAndFeedErrorsHaveTheirPaths() async throws {
        let path = try temp(
            """
            gateway: {public_url: "ftp://klaxon.example.com"}
            oncall: {feed_secret_env: SHORT_SECRET}
            people:
              - {id: alice, name: Alice, contact_rules: {default: [sms]}}
              - {id: bob, email: bob@example.com, contact_rules: {default: [email, {channel: pager, after: 1m}]}}
            schedules:
              - name: db
                time_zone: Mars/Olympus
                layers:
                  - rotation: {people: [alice, zed], start: 2026-13-01}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (code, out) = await ctl(["config", "check", path], environment: ["SHORT_SECRET": "short"])
        #expect(code == 1)
        for expected in [
            "people[0].contact_rules.default[0]: channel 'sms' needs a phone, which this person lacks",
            "people[1].contact_rules.default[1]: unknown channel 'pager'",
            "schedules[0].time_zone (line ", "unknown time zone \"Mars/Olympus\"",
            "schedules[0].layers[0].rotation.people[1]: no person with id \"zed\" in people",
            "schedules[0].layers[0].rotation.start (line ", "expected a date such as 2026-01-05, got \"2026-13-01\"",
            "gateway.public_url (line 1): expected an http:// or https:// URL",
            "oncall.feed_secret_env (line 2): the secret must have at least 16 characters",
        ] {
            #expect(out.stderr.contains(expected), "\(expected) in:\n\(out.stderr)")
        }
    }

    @Test func unreadableFileAndUsage() async throws {
        let (c1, o1) = await ctl(["config", "check", "/nonexistent/klaxon.yaml"])
        #expect(c1 == 1)
        #expect(o1.stderr.contains("cannot read config file /nonexistent/klaxon.yaml"))
        let (c2, _) = await ctl(["config", "check"])
        #expect(c2 == 2)
        let (c3, _) = await ctl(["config", "lint", Self.local])
        #expect(c3 == 2)
    }
}
