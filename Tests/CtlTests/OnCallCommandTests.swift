import Ctl
import Foundation
import TestSupport
import Testing

/// `klaxonctl oncall now|shifts|gaps|override` in-process against the real Redis, each test with
/// a fresh namespace (its override keys are deleted by `TestNamespace.close`).
@Suite struct OnCallCommandTests {
    func fleet(_ extra: String = "") async throws -> TestNamespace {
        try await TestNamespace(declare: false, extraYAML: OnCallFixture.yaml + "\n" + extra)
    }

    @Test func overrideAddShowsInNowAndRemoveBringsTheScheduleBack() async throws {
        let f = try await fleet()
        defer { f.close() }
        let before = await ctl(f.ctlArgs("oncall", "now", "db", "--at", OnCallFixture.morning))
        #expect(before.code == 0, "\(before.out.stderr)")
        #expect(
            before.out.lines == [
                "SCHEDULE  PERSON  NAME         SOURCE           UNTIL",
                "db        alice   Alice Zhang  layer 0 (daily)  2026-03-02T20:00:00+01:00",
            ])

        let add = await ctl(
            f.ctlArgs(
                "oncall", "override", "add", "db", "--person", "carol", "--covering", "alice",
                "--from", "2026-03-02T09:00:00+01:00", "--to", "2026-03-02T12:00:00+01:00", "--by", "ops"))
        #expect(add.code == 0, "\(add.out.stderr)")
        let id = try #require(add.out.lines.first)
        #expect(id.wholeMatch(of: /ov-[0-9a-f]{8}/) != nil, "\(id)")

        let during = await ctl(f.ctlArgs("oncall", "now", "db", "--at", OnCallFixture.morning, "--json"))
        #expect(during.code == 0, "\(during.out.stderr)")
        let row = try json(#require(during.out.lines.first))
        #expect(row["schedule"] as? String == "db")
        #expect(row["at"] as? String == OnCallFixture.morning)
        #expect(row["overrides_applied"] as? Bool == true)
        let people = try #require(row["on_call"] as? [[String: Any]])
        #expect(people.count == 1)
        #expect(people.first?["person"] as? String == "carol")
        #expect(people.first?["source"] as? String == "override")
        #expect(people.first?["override"] as? String == id)
        #expect(people.first?["until"] as? String == "2026-03-02T12:00:00+01:00")

        // The override starts at alice's hand-off: she has no sliver of a shift before it.
        let shifts = await ctl(f.ctlArgs("oncall", "shifts", "db", "--from", "2026-03-02", "--to", "2026-03-03"))
        #expect(
            shifts.out.lines == [
                "PERSON  NAME         START                      END                        SOURCE",
                "bob     Bob Li       2026-03-02T08:00:00+01:00  2026-03-02T09:00:00+01:00  layer 0 (daily)",
                "carol   Carol        2026-03-02T09:00:00+01:00  2026-03-02T12:00:00+01:00  override \(id)",
                "alice   Alice Zhang  2026-03-02T12:00:00+01:00  2026-03-02T20:00:00+01:00  layer 0 (daily)",
            ])
        let list = await ctl(f.ctlArgs("oncall", "override", "list"))
        #expect(
            list.out.lines == [
                "ID           SCHEDULE  PERSON  COVERING  FROM                       TO                         BY",
                "\(id)  db        carol   alice     2026-03-02T09:00:00+01:00  2026-03-02T12:00:00+01:00  ops",
            ])
        let listJSON = await ctl(f.ctlArgs("oncall", "override", "list", "db", "--json"))
        let stored = try json(#require(listJSON.out.lines.first))
        #expect(stored["id"] as? String == id)
        #expect(stored["person"] as? String == "carol")
        #expect(stored["covering"] as? String == "alice")
        #expect(stored["from"] as? String == "2026-03-02T08:00:00.000Z")
        #expect(stored["createdBy"] as? String == "ops")
        #expect(await ctl(f.ctlArgs("oncall", "override", "list", "web ops")).out.lines.count == 1, "header only")

        let removed = await ctl(f.ctlArgs("oncall", "override", "remove", id))
        #expect(removed.code == 0)
        #expect(removed.out.lines == ["removed \(id)"])
        let after = await ctl(f.ctlArgs("oncall", "now", "db", "--at", OnCallFixture.morning))
        #expect(after.out.lines == before.out.lines)
        let again = await ctl(f.ctlArgs("oncall", "override", "remove", id))
        #expect(again.code == 4)
        #expect(again.out.stderr.contains("no override with id \(id)"))
    }

    @Test func nowListsEverySchedule() async throws {
        let f = try await fleet()
        defer { f.close() }
        let r = await ctl(f.ctlArgs("oncall", "now", "--at", "2026-03-02T21:00:00+01:00"))
        #expect(r.code == 0, "\(r.out.stderr)")
        #expect(
            r.out.lines == [
                "SCHEDULE  PERSON  NAME              SOURCE            UNTIL",
                "db        -       (nobody on call)  -                 2026-03-03T08:00:00+01:00",
                "web ops   carol   Carol             layer 0 (always)  -",
            ])
    }

    /// Without `--at` the instant is the clock's, with a fraction of a second: the person on call
    /// is still named (a stricter comparison once printed "nobody on call" in a schedule with no
    /// gap).
    @Test func nowWithoutAtNamesWhoIsOnCallNow() async throws {
        let f = try await fleet()
        defer { f.close() }
        for _ in 0..<20 {  // the clock's fraction differs each time; once it failed one run in three
            let r = await ctl(f.ctlArgs("oncall", "now", "web ops", "--json"))
            #expect(r.code == 0, "\(r.out.stderr)")
            let row = try json(#require(r.out.lines.first))
            let people = try #require(row["on_call"] as? [[String: Any]])
            #expect(people.map { $0["person"] as? String } == ["carol"])
        }
    }

    @Test func shiftsAsTableAndJSON() async throws {
        let f = try await fleet()
        defer { f.close() }
        let r = await ctl(f.ctlArgs("oncall", "shifts", "db", "--from", "2026-03-02", "--to", "2026-03-03"))
        #expect(r.code == 0, "\(r.out.stderr)")
        #expect(
            r.out.lines == [
                "PERSON  NAME         START                      END                        SOURCE",
                "bob     Bob Li       2026-03-02T08:00:00+01:00  2026-03-02T09:00:00+01:00  layer 0 (daily)",
                "alice   Alice Zhang  2026-03-02T09:00:00+01:00  2026-03-02T20:00:00+01:00  layer 0 (daily)",
            ])
        let j = await ctl(f.ctlArgs("oncall", "shifts", "db", "--from", "2026-03-02T00:00:00+01:00", "--to", "2026-03-03", "--json"))
        let rows = try j.out.lines.map(json)
        #expect(rows.count == 2)
        let first = try #require(rows.first)
        #expect(Set(first.keys) == ["schedule", "person", "name", "start", "end", "source", "layer", "layer_name"])
        #expect(first["person"] as? String == "bob")
        #expect(first["start"] as? String == "2026-03-02T08:00:00+01:00")
        #expect(first["layer"] as? Int == 0)
        #expect(first["layer_name"] as? String == "daily")
    }

    @Test func gapsInTheNextDays() async throws {
        let f = try await fleet()
        defer { f.close() }
        let r = await ctl(f.ctlArgs("oncall", "gaps", "db", "--days", "1", "--at", OnCallFixture.morning))
        #expect(r.code == 0, "\(r.out.stderr)")
        #expect(
            r.out.lines == [
                "START                      END                        HOURS",
                "2026-03-02T20:00:00+01:00  2026-03-03T08:00:00+01:00  12.0",
            ])
        let j = await ctl(f.ctlArgs("oncall", "gaps", "db", "--days", "1", "--at", OnCallFixture.morning, "--json"))
        let gap = try json(#require(j.out.lines.first))
        #expect(gap["seconds"] as? Int == 43_200)
        #expect(gap["start"] as? String == "2026-03-02T20:00:00+01:00")
        let none = await ctl(f.ctlArgs("oncall", "gaps", "web ops", "--at", OnCallFixture.morning))
        #expect(none.out.lines == ["no gaps in web ops from 2026-03-02T09:00:00Z to 2026-03-16T09:00:00Z"])
    }

    @Test func badValuesAreUsageErrorsNamingTheField() async throws {
        let f = try await fleet()
        defer { f.close() }
        let window = ["--from", "2026-03-02T09:00:00+01:00", "--to", "2026-03-02T10:00:00+01:00"]
        let cases: [([String], String)] = [
            (["override", "add", "db", "--person", "zed"] + window, "--person: no person with id \"zed\""),
            (["override", "add", "db", "--person", "bob", "--covering", "zed"] + window, "--covering: no person with id \"zed\""),
            (["override", "add", "nope", "--person", "bob"] + window, "SCHEDULE: no schedule named \"nope\""),
            (["override", "add", "db", "--person", "bob", "--from", "tomorrow", "--to", "2026-03-02"], "--from: expected an RFC 3339 time"),
            (["override", "add", "db", "--person", "bob", "--from", "2026-03-03", "--to", "2026-03-02"], "--to: must be after from"),
            (["override", "add", "db"] + window, "--person: required"),
            (["shifts", "db", "--from", "2026-03-02"], "--to: required"),
            (["shifts", "nope", "--from", "2026-03-02", "--to", "2026-03-03"], "SCHEDULE: no schedule named \"nope\" in"),
            (["gaps", "db", "--days", "0"], "--days: expected a whole number of at least 1"),
            (["now", "db", "--at", "noon"], "--at: expected an RFC 3339 time"),
            (["feed-url", "db", "--person", "bob"], "give one SCHEDULE or --person ID"),
            (["override", "move"], "expected add, list or remove"),
            (["later"], "unknown oncall verb \"later\""),
        ]
        for (args, message) in cases {
            let r = await ctl(["oncall"] + args + ["--config", f.configPath])
            #expect(r.code == 2, "\(args): \(r.out.stderr)")
            #expect(r.out.stderr.contains(message), "\(args): expected \(message) in \(r.out.stderr)")
            #expect(r.out.stdout.isEmpty)
        }
        #expect(await ctl(f.ctlArgs("oncall", "override", "list")).out.lines.count == 1, "nothing was stored")
    }

    @Test func redisUnreachableAnswersFromTheConfig() async throws {
        let f = try await fleet("redis: {host: 127.0.0.1, port: 1, timeout: 500ms}")
        defer { f.close() }
        let r = await ctl(f.ctlArgs("oncall", "now", "db", "--at", OnCallFixture.morning, "--json"))
        #expect(r.code == 5)
        #expect(r.out.stderr.contains("Redis at 127.0.0.1:1 is unreachable"))
        #expect(r.out.stderr.contains("run-time overrides are not applied"))
        let row = try json(#require(r.out.lines.first))
        #expect(row["overrides_applied"] as? Bool == false)
        #expect((row["on_call"] as? [[String: Any]])?.first?["person"] as? String == "alice")
        let add = await ctl(
            f.ctlArgs(
                "oncall", "override", "add", "db", "--person", "bob",
                "--from", "2026-03-02", "--to", "2026-03-03"))
        #expect(add.code == 3)
        #expect(add.out.stderr.contains("cannot store the override: Redis at 127.0.0.1:1"))
    }

    func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }
}
