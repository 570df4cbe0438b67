import AlertCore
import Foundation
import OnCall
import ShiftPlan
import Testing
import TimeKit
import YAMLConfig

/// The planner over a month of a weekly Berlin rotation (Mondays 09:00) that crosses the spring
/// DST change (2026-03-29), with an override, reminders, a team robot and e-mail list.
@Suite struct ShiftPlannerTests {
    static let yaml = """
        chat:
          robots:
            - {name: ops, platform: dingtalk, webhook_env: DT_URL}
        people:
          - {id: alice, name: Alice, email: alice@example.com, time_zone: Asia/Shanghai, contact_rules: {default: [email]}}
          - {id: bob, name: Bob, email: bob@example.com, time_zone: Europe/Berlin, dingtalk: {robot: ops, mobile: "13900139000"}, contact_rules: {default: [email]}}
          - {id: carol, name: Carol, email: carol@example.com, time_zone: Europe/Berlin, contact_rules: {default: [{channel: email, after: 5m}]}}
        schedules:
          - name: db
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                rotation: {people: [alice, bob], start: 2026-03-02, handoff: "09:00", every: 1w}
            overrides:
              - {id: swap, person: carol, covering: bob, from: "2026-03-25T12:00:00+01:00", to: "2026-03-26T12:00:00+01:00"}
            announce:
              team: {dingtalk: [ops], email: [db-team@example.com]}
              remind_before: [1d, 1h]
              grace: 10m
        """

    static func setup(_ yaml: String = ShiftPlannerTests.yaml) throws -> (Roster, ShiftPlanner) {
        let config = try ConfigLoader.parse(
            "broker: {url: \"amqp://guest:guest@127.0.0.1:5672/\"}\n" + yaml, environment: ["DT_URL": "http://127.0.0.1:9/"])
        let roster = Roster.build(people: config.people, schedules: config.schedules)
        let s = config.schedules[0]
        return (roster, ShiftPlanner(roster: roster, schedule: roster.schedules[s.name]!, settings: s.announce!))
    }

    static func t(_ text: String) -> Date { RFC3339Time(text)!.instant }

    @Test func announceSettingsAreRead() throws {
        let (_, p) = try Self.setup()
        #expect(p.settings.remindBeforeSeconds == [86_400, 3600])
        #expect(p.settings.graceSeconds == 600)
        #expect(p.settings.team == [ChannelTarget(.dingtalk, ["ops"]), ChannelTarget(.email, ["db-team@example.com"])])
    }

    @Test func badAnnounceSettingsAreReported() {
        let yaml = Self.yaml.replacingOccurrences(of: "remind_before: [1d, 1h]", with: "remind_before: [soon]")
            .replacingOccurrences(of: "dingtalk: [ops]", with: "dingtalk: [nope]")
        #expect {
            _ = try Self.setup(yaml)
        } throws: { error in
            let text = "\(error)"
            return text.contains("schedules[0].announce.remind_before[0]") && text.contains("schedules[0].announce.team.dingtalk[0]")
        }
    }

    /// A month in one go and in 1-minute ticks give the same announcements: none missing, none
    /// twice, each at a 09:00 Berlin boundary (or the override's edges), or a reminder before one.
    @Test func monthAcrossDSTInTicks() throws {
        let (_, p) = try Self.setup()
        let from = Self.t("2026-03-01T00:00:00.000Z")
        let to = Self.t("2026-04-01T00:00:00.000Z")
        let whole = p.announcements(from: from, to: to)
        var ticked: [Announcement] = []
        var a = from
        while a < to {
            let b = min(to, a.addingTimeInterval(3600 * 7 + 13))
            ticked += p.announcements(from: a, to: b)
            a = b
        }
        #expect(Set(ticked.map(\.id)).count == ticked.count, "an announcement twice")
        #expect(Set(ticked.map(\.id)) == Set(whole.map(\.id)))

        // Boundaries: Mondays 09:00 Berlin (08:00Z before the change, 07:00Z after) and the override.
        let starts = whole.filter { $0.kind == .start }.map { "\($0.person!) \(RFC3339Time.utcString($0.boundary))" }
        #expect(
            starts == [
                "alice 2026-03-02T08:00:00.000Z", "bob 2026-03-09T08:00:00.000Z", "alice 2026-03-16T08:00:00.000Z", "bob 2026-03-23T08:00:00.000Z",
                "carol 2026-03-25T11:00:00.000Z", "bob 2026-03-26T11:00:00.000Z", "alice 2026-03-30T07:00:00.000Z",
            ])
        let ends = whole.filter { $0.kind == .end }.map { "\($0.person!) \(RFC3339Time.utcString($0.boundary))" }
        #expect(
            ends == [
                "alice 2026-03-09T08:00:00.000Z", "bob 2026-03-16T08:00:00.000Z", "alice 2026-03-23T08:00:00.000Z", "bob 2026-03-25T11:00:00.000Z",
                "carol 2026-03-26T11:00:00.000Z", "bob 2026-03-30T07:00:00.000Z",
            ])
        // Every boundary announcement is due at its boundary; reminders 1 d and 1 h before.
        for x in whole where x.kind != .reminder && x.kind != .gaps { #expect(x.due == x.boundary) }
        let reminders = whole.filter { $0.kind == .reminder && $0.person == "alice" }.map { RFC3339Time.utcString($0.due) }
        #expect(reminders.contains("2026-03-29T07:00:00.000Z"))  // 1 d before 2026-03-30 09:00 CEST
        #expect(reminders.contains("2026-03-30T06:00:00.000Z"))  // 1 h before
        #expect(!reminders.contains("2026-03-29T08:00:00.000Z"))  // never at the old offset
    }

    @Test func textsAreInTheReadersZones() throws {
        let (_, p) = try Self.setup()
        let list = p.announcements(from: Self.t("2026-03-30T06:59:00.000Z"), to: Self.t("2026-03-30T07:00:00.000Z"))
        let aliceStart = try #require(list.first { $0.kind == .start })
        #expect(aliceStart.channel == "email" && aliceStart.recipient == "alice@example.com")
        // Alice reads Shanghai time: the shift ends Mon 2026-04-06 09:00 CEST = 15:00 CST.
        #expect(aliceStart.text == "You are on call for db from now until Mon 2026-04-06 15:00 CST; next: Bob.")
        let bobEnd = try #require(list.first { $0.kind == .end })
        #expect(bobEnd.recipient == "bob@example.com")
        #expect(bobEnd.text == "Your on-call shift for db ended at Mon 2026-03-30 09:00 CEST; now on call: Alice.")
        let team = list.filter { $0.kind == .handover }
        #expect(Set(team.map { "\($0.channel):\($0.recipient)" }) == ["dingtalk:ops", "email:db-team@example.com"])
        #expect(team.allSatisfy { $0.text == "Now on call for db: Alice until Mon 2026-04-06 09:00 CEST. Off call: Bob." })
        // Alice has no DingTalk handle: nobody to @-mention.
        #expect(team.first { $0.channel == "dingtalk" }?.mentions == [])
        let bobIn = p.announcements(from: Self.t("2026-03-26T10:59:00.000Z"), to: Self.t("2026-03-26T11:00:00.000Z"))
        #expect(bobIn.first { $0.channel == "dingtalk" }?.mentions == ["13900139000"])
        // Carol's e-mail step is delayed: an announcement is news, sent at once.
        let carol = p.announcements(from: Self.t("2026-03-25T10:59:00.000Z"), to: Self.t("2026-03-25T11:00:00.000Z")).filter { $0.person == "carol" }
        #expect(carol.map(\.recipient) == ["carol@example.com"])
    }

    @Test func idsAreDeterministicAndDistinct() throws {
        let (_, p) = try Self.setup()
        let (_, q) = try Self.setup()
        let a = p.announcements(from: Self.t("2026-03-01T00:00:00.000Z"), to: Self.t("2026-04-01T00:00:00.000Z"))
        let b = q.announcements(from: Self.t("2026-03-01T00:00:00.000Z"), to: Self.t("2026-04-01T00:00:00.000Z"))
        #expect(a.map(\.id) == b.map(\.id))
        #expect(Set(a.map(\.id)).count == a.count)
        let n = a[0].notification(late: true)
        #expect(n.id == a[0].id && n.incident?.kind == a[0].kind.rawValue && n.incident!.text.hasPrefix("(Late: due "))
    }

    /// A robot shows the note and the message: the text's first line is the note, the rest the
    /// message, so each line is read once (both were the whole text, and robots read it twice).
    @Test func theNotificationSaysTheTextOnce() throws {
        let (_, p) = try Self.setup()
        let a = p.announcements(from: Self.t("2026-03-01T00:00:00.000Z"), to: Self.t("2026-04-01T00:00:00.000Z"))
        let one = try #require(a.first { !$0.text.contains("\n") })
        let n = one.notification()
        #expect(n.incident?.text == one.text && n.alert.message.isEmpty)
        var two = one
        two.kind = .handover
        two.text = "Now on call for db: Bob.\nOpen incidents: 1: Disk full.\nLast shift: 2 incidents."
        let m = two.notification()
        #expect(m.incident?.text == "Now on call for db: Bob." && m.alert.message == "Open incidents: 1: Disk full.\nLast shift: 2 incidents.")
    }

    @Test func weeklyGapReport() throws {
        let yaml = Self.yaml.replacingOccurrences(
            of: "rotation: {people: [alice, bob], start: 2026-03-02, handoff: \"09:00\", every: 1w}",
            with: "rotation: {people: [alice, bob], start: 2026-03-02, handoff: \"09:00\", every: 1d, hours: \"09:00-17:00\"}")
        let (_, p) = try Self.setup(yaml)
        let list = p.announcements(from: Self.t("2026-03-01T00:00:00.000Z"), to: Self.t("2026-03-15T00:00:00.000Z")).filter { $0.kind == .gaps }
        // Mondays 09:00 Berlin: 2026-03-02 and 2026-03-09, to both team channels.
        #expect(Set(list.map { RFC3339Time.utcString($0.due) }) == ["2026-03-02T08:00:00.000Z", "2026-03-09T08:00:00.000Z"])
        #expect(list.count == 4)
        #expect(list[0].text.contains("Mon 2026-03-02 17:00 CET – Tue 2026-03-03 09:00 CET (16 h)"))
        #expect(list[0].text.hasSuffix("more."))
    }

    @Test func rosterChangeDiff() throws {
        let (roster, p) = try Self.setup()
        let from = Self.t("2026-03-09T00:00:00.000Z")
        let to = from.addingTimeInterval(14 * 86_400)
        let old = p.schedule.shifts(from: from, to: to)
        let moved = Schedule(
            name: "db", timeZone: p.schedule.timeZone, layers: p.schedule.layers,
            overrides: p.schedule.overrides + [
                .replace(id: "x", covering: "bob", by: "alice", from: Self.t("2026-03-10T00:00:00.000Z"), to: Self.t("2026-03-11T00:00:00.000Z"))
            ])
        let changes = RosterDiff.diff(old: old, new: moved.shifts(from: from, to: to), from: from, to: to)
        let day = DateInterval(start: Self.t("2026-03-10T00:00:00.000Z"), end: Self.t("2026-03-11T00:00:00.000Z"))
        #expect(changes == [RosterChange(person: "alice", gained: [day], lost: []), RosterChange(person: "bob", gained: [], lost: [day])])
        #expect(RosterDiff.diff(old: old, new: old, from: from, to: to).isEmpty)
        let told = ShiftPlanner(roster: roster, schedule: moved, settings: p.settings).changeAnnouncements(changes, at: from)
        #expect(told.map(\.recipient) == ["alice@example.com", "bob@example.com"])
        #expect(told[1].text == "Your on-call shifts for db changed: you are no longer on call Tue 2026-03-10 01:00 CET – Wed 2026-03-11 01:00 CET.")
    }
}
