import Ctl
import Escalation
import EscalatorStore
import Foundation
import TestSupport
import Testing
import WorkerKit

/// `klaxonctl incident list|show` against the real Redis, over `IncidentFixture`'s incidents,
/// each test in a fresh namespace (its keys are deleted by `TestNamespace.close`).
@Suite struct IncidentReadTests {
    func fleet(_ extra: String = "") async throws -> TestNamespace {
        try await TestNamespace(declare: false, extraYAML: IncidentFixture.yaml + "\n" + extra)
    }

    @Test func listShowsTheOpenIncidentsNewestFirst() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)

        let list = await ctl(f.ctlArgs("incident", "list"))
        #expect(list.code == 0, "\(list.out.stderr)")
        #expect(
            list.out.lines == [
                "ID                POLICY  STATUS        SEVERITY  STEP                  OPENED                ACK-BY  TITLE",
                "\(ids.cpu)  web     triggered     critical  1/1                   2026-03-02T08:30:00Z  -       CPU hot on web-3",
                "\(ids.flap)  db      triggered     critical  2/2 pass 2/2 ran out  2026-03-02T08:20:00Z  -       Flapping check",
                "\(ids.lag)  db      snoozed       critical  1/2 pass 1/2          2026-03-02T08:05:00Z  -       Replica lag on db-2",
                "\(ids.disk)  db      acknowledged  critical  2/2 pass 1/2          2026-03-02T08:00:00Z  bob     Disk full on db-1",
            ], "\(list.out.stdout)")

        let json = await ctl(f.ctlArgs("incident", "list", "--json"))
        #expect(json.code == 0, "\(json.out.stderr)")
        let rows = try jsonLines(json.out)
        #expect(rows.compactMap { $0["id"] as? String } == [ids.cpu, ids.flap, ids.lag, ids.disk], "the resolved one is not listed")
        let disk = try #require(rows.last)
        #expect(disk["status"] as? String == "acknowledged")
        #expect(disk["acknowledged_by"] as? String == "bob")
        #expect(disk["step"] as? Int == 1 && disk["loop"] as? Int == 0 && disk["steps"] as? Int == 2, "0-based in JSON")
        #expect(disk["repeats"] as? Int == 1)
        #expect(disk["severity"] as? String == "critical" && disk["title"] as? String == "Disk full on db-1")
        #expect(disk["opened_at"] as? String == "2026-03-02T08:00:00.000Z")
        #expect(disk["opened_at_local"] as? String == "2026-03-02T09:00:00+01:00")
        #expect(rows[1]["exhausted"] as? Bool == true && rows[0]["exhausted"] as? Bool == false)
        #expect(rows[2]["snoozed_until"] as? String == "2026-03-02T09:05:00.000Z")

        let filtered = await ctl(f.ctlArgs("incident", "list", "--status", "snoozed,acknowledged", "--json"))
        #expect(try jsonLines(filtered.out).compactMap { $0["id"] as? String } == [ids.lag, ids.disk])
        let none = await ctl(f.ctlArgs("incident", "list", "--status", "snoozed", "--status", "triggered"))
        #expect(none.out.lines.count == 4, "repeated --status adds states: \(none.out.stdout)")

        let resolved = await ctl(f.ctlArgs("incident", "list", "--status", "resolved"))
        #expect(resolved.code == 2)
        #expect(resolved.out.stderr.contains("--status: list shows open incidents only"), "\(resolved.out.stderr)")
        let bogus = await ctl(f.ctlArgs("incident", "list", "--status", "firing"))
        #expect(bogus.code == 2)
        #expect(bogus.out.stderr == "klaxonctl: --status: expected triggered, acknowledged or snoozed, got \"firing\"\n")
    }

    @Test func anEmptyNamespaceListsNothing() async throws {
        let f = try await fleet()
        defer { f.close() }
        let list = await ctl(f.ctlArgs("incident", "list"))
        #expect(list.code == 0, "\(list.out.stderr)")
        #expect(list.out.lines == ["no open incidents"])
        let json = await ctl(f.ctlArgs("incident", "list", "--json"))
        #expect(json.code == 0 && json.out.stdout.isEmpty)
    }

    @Test func showPrintsTheIncidentAndEveryTimelineEntry() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)

        let disk = await ctl(f.ctlArgs("incident", "show", ids.disk))
        #expect(disk.code == 0, "\(disk.out.stderr)")
        #expect(
            disk.out.lines == [
                "incident \(ids.disk)  Disk full on db-1",
                "  status    acknowledged by bob via link at 2026-03-02T08:12:00Z (2026-03-02T09:12:00+01:00)",
                "  severity  critical",
                "  policy    db, step 2 of 2, pass 1 of 2",
                "  opened    2026-03-02T08:00:00Z (2026-03-02T09:00:00+01:00)",
                "  next      reminder to bob at 2026-03-02T09:02:00Z (2026-03-02T10:02:00+01:00) that the acknowledgement expires",
                "  repeats   1 (the alert fired again; attached here, nobody paged for it)",
                "  paged     people alice, carol; email alice@example.com, dba@example.com, carol@example.com",
                "  alert     alertmanager/test-am, fingerprint fp-disk",
                "  labels    team=db",
                "timeline (UTC, then Europe/Berlin):",
                "  2026-03-02T08:00:00Z  2026-03-02T09:00:00+01:00  opened",
                "  2026-03-02T08:00:00Z  2026-03-02T09:00:00+01:00  step 1 of 2, pass 1 of 2 fired",
                "  2026-03-02T08:00:00Z  2026-03-02T09:00:00+01:00  paged email:alice@example.com",
                "  2026-03-02T08:02:00Z  2026-03-02T09:02:00+01:00  the alert fired again (repeat 1); nobody paged for it",
                "  2026-03-02T08:10:00Z  2026-03-02T09:10:00+01:00  step 2 of 2, pass 1 of 2 fired",
                "  2026-03-02T08:10:00Z  2026-03-02T09:10:00+01:00  paged email:dba@example.com, email:carol@example.com",
                "  2026-03-02T08:12:00Z  2026-03-02T09:12:00+01:00  acknowledged by bob via link",
            ], "\(disk.out.stdout)")

        // Escalated, snoozed, resumed by its timer, acknowledged by phone, reminded, expired, ran out.
        let flap = await ctl(f.ctlArgs("incident", "show", ids.flap))
        #expect(flap.code == 0, "\(flap.out.stderr)")
        #expect(flap.out.lines[1] == "  status    triggered: the steps ran out and nobody acknowledged; still open")
        #expect(!flap.out.lines.contains { $0.hasPrefix("  next ") }, "no timer is left")
        let timeline = flap.out.lines.drop { !$0.hasPrefix("timeline") }.dropFirst().map { String($0.dropFirst(51)) }
        #expect(
            timeline == [
                "opened", "step 1 of 2, pass 1 of 2 fired", "paged email:alice@example.com",
                "escalated by carol via api", "step 2 of 2, pass 1 of 2 fired", "paged email:dba@example.com, email:carol@example.com",
                "snoozed by alice via chat until 2026-03-02T08:30:00Z (2026-03-02T09:30:00+01:00)",
                "the snooze ended; paging resumes", "step 2 of 2, pass 1 of 2 fired", "paged email:dba@example.com, email:carol@example.com",
                "acknowledged by alice via phone key", "reminded alice that the acknowledgement expires soon",
                "alice's acknowledgement expired; paging restarts at step 1", "step 1 of 2, pass 1 of 2 fired", "paged email:alice@example.com",
                "step 2 of 2, pass 1 of 2 fired", "paged email:dba@example.com, email:carol@example.com",
                "step 1 of 2, pass 2 of 2 fired", "paged email:alice@example.com",
                "step 2 of 2, pass 2 of 2 fired", "paged email:dba@example.com, email:carol@example.com",
                "the steps ran out after 2 passes; the team was told; still open", "ignored unsnooze: the incident was triggered",
            ], "\(flap.out.stdout)")

        // A resolved incident is still shown (not listed); a UTC policy has one time column.
        let old = await ctl(f.ctlArgs("incident", "show", ids.old))
        #expect(old.code == 0, "\(old.out.stderr)")
        #expect(old.out.lines[1] == "  status    resolved by the source's resolved alert at 2026-03-02T07:30:00Z (2026-03-02T08:30:00+01:00)")
        #expect(old.out.lines.last == "  2026-03-02T07:30:00Z  2026-03-02T08:30:00+01:00  the source resolved the alert; the incident is resolved")
        let cpu = await ctl(f.ctlArgs("incident", "show", ids.cpu))
        #expect(
            cpu.out.lines.suffix(4) == [
                "timeline (UTC):", "  2026-03-02T08:30:00Z  opened", "  2026-03-02T08:30:00Z  step 1 of 1 fired",
                "  2026-03-02T08:30:00Z  paged email:bob@example.com",
            ])
        #expect(cpu.out.lines.contains("  next      the next step at 2026-03-02T09:00:00Z, unless someone acknowledges"))
        let lag = await ctl(f.ctlArgs("incident", "show", String(ids.lag.prefix(6))))
        #expect(lag.code == 0, "a unique prefix of an open incident's id: \(lag.out.stderr)")
        #expect(lag.out.lines.first == "incident \(ids.lag)  Replica lag on db-2")
        #expect(lag.out.lines[1] == "  status    snoozed until 2026-03-02T09:05:00Z (2026-03-02T10:05:00+01:00)")
    }

    @Test func showJSONHasTheStateAndTheTimelineWithItsFields() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)
        let r = await ctl(f.ctlArgs("incident", "show", ids.disk, "--json"))
        #expect(r.code == 0, "\(r.out.stderr)")
        let rows = try jsonLines(r.out)
        #expect(rows.count == 1)
        let o = try #require(rows.first)
        #expect(o["id"] as? String == ids.disk && o["policy"] as? String == "db" && o["time_zone"] as? String == "Europe/Berlin")
        #expect(o["ack"] as? [String: String] == ["by": "bob", "via": "link", "at": "2026-03-02T08:12:00.000Z"])
        #expect(o["timer"] as? [String: String] == ["kind": "ackReminder", "at": "2026-03-02T09:02:00.000Z"])
        let paged = try #require(o["paged"] as? [String: Any])
        #expect(paged["people"] as? [String] == ["alice", "carol"])
        #expect((paged["channels"] as? [String: [String]])?["email"] == ["alice@example.com", "dba@example.com", "carol@example.com"])
        let timeline = try #require(o["timeline"] as? [[String: Any]])
        #expect(
            timeline.compactMap { $0["event"] as? String } == [
                "opened", "step_fired", "paged", "repeat_attached", "step_fired", "paged", "acknowledged",
            ])
        #expect(timeline[5]["recipients"] as? [String] == ["email:dba@example.com", "email:carol@example.com"])
        #expect(timeline[5]["step"] as? Int == 1 && timeline[5]["loop"] as? Int == 0)
        #expect(timeline[6]["by"] as? String == "bob" && timeline[6]["via"] as? String == "link")
        #expect(timeline[6]["at"] as? String == "2026-03-02T08:12:00.000Z" && timeline[6]["at_local"] as? String == "2026-03-02T09:12:00+01:00")
    }

    @Test func unknownAndAmbiguousIDsAndAnUnreachableRedis() async throws {
        let f = try await fleet()
        defer { f.close() }
        _ = try await IncidentFixture.seed(f)
        let unknown = await ctl(f.ctlArgs("incident", "show", "0123456789abcdef"))
        #expect(unknown.code == 4)
        #expect(unknown.out.stderr.hasPrefix("klaxonctl: no incident with id 0123456789abcdef in namespace \(f.namespace)"), "\(unknown.out.stderr)")
        #expect(unknown.out.stdout.isEmpty)
        #expect(await ctl(f.ctlArgs("incident", "show")).code == 2)
        #expect(await ctl(f.ctlArgs("incident", "show", "a", "b")).code == 2)
        #expect(await ctl(f.ctlArgs("incident", "frob")).code == 2)

        // Two open incidents whose ids start alike: a 4-character prefix names neither.
        let (a, b) = Self.twoIDsSharingAPrefix(policy: "web")
        let redis = SharedRedis(f.config.redis)
        defer { redis.close() }
        let store = IncidentStore(redis: redis, namespace: f.namespace)
        let machine = IncidentFixture.Machine(config: f.config)
        for fingerprint in [a, b] {
            try await IncidentFixture.save(machine.open("web", fingerprint, at: IncidentFixture.t0), title: fingerprint, in: store)
        }
        let prefix = String(Incident.id(policy: "web", fingerprint: a).prefix(4))
        let ambiguous = await ctl(f.ctlArgs("incident", "show", prefix))
        #expect(ambiguous.code == 2)
        #expect(ambiguous.out.stderr.contains("ID: \(prefix) is the start of 2 open incidents' ids"), "\(ambiguous.out.stderr)")
        #expect(await ctl(f.ctlArgs("incident", "show", String(prefix.prefix(3)))).code == 4, "shorter than 4: exact ids only")

        let down = try await fleet("redis: {port: 1}")
        defer { down.close() }
        let list = await ctl(down.ctlArgs("incident", "list"))
        #expect(list.code == 3)
        #expect(list.out.stderr.hasPrefix("klaxonctl: cannot list open incidents: Redis at 127.0.0.1:1 is unreachable"), "\(list.out.stderr)")
        #expect(await ctl(down.ctlArgs("incident", "show", "0123456789abcdef")).code == 3)
    }

    /// Two fingerprints whose incident ids under `policy` share their first 4 characters.
    static func twoIDsSharingAPrefix(policy: String) -> (String, String) {
        var seen: [Substring: String] = [:]
        var n = 0
        while true {
            let fingerprint = "fp-\(n)"
            let prefix = Incident.id(policy: policy, fingerprint: fingerprint).prefix(4)
            if let other = seen[prefix] { return (other, fingerprint) }
            seen[prefix] = fingerprint
            n += 1
        }
    }
}
