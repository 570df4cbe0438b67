import Foundation
import Testing
@testable import OnCall
import TestSupport
import TimeKit

/// Layers, restrictions, holidays, overlaps and overrides resolved together.
@Suite struct ScheduleTests {
    static func daily(
        _ people: [PersonID], start: String = "2026-01-01", at handoff: String = "00:00",
        restriction: Restriction? = nil, exclude: Set<LocalDate> = []
    ) -> Layer {
        .rotation(
            Rotation(people: people, startDate: Fx.date(start), handoff: Fx.time(handoff), frequency: .daily, restriction: restriction),
            excludeDates: exclude)
    }

    /// Layer 0: z all the time. Layer 1: a on weekday nights 20:00–08:00 (Berlin).
    static let nights = Schedule(
        name: "nights", timeZone: Fx.zone("Europe/Berlin"),
        layers: [
            daily(["z"]),
            daily(["a"], at: "08:00", restriction: Restriction(days: Weekday.workdays, window: .init(from: Fx.time("20:00"), to: Fx.time("08:00")))),
        ])

    /// Layer 0: z daily. Layer 1: w on weekends only, not on 2026-03-08 (Berlin).
    static let weekends = Schedule(
        name: "weekends", timeZone: Fx.zone("Europe/Berlin"),
        layers: [
            daily(["z"]),
            .rotation(
                Rotation(
                    people: ["w"], startDate: Fx.date("2026-01-03"), handoff: Fx.time("00:00"), frequency: .weekly,
                    restriction: Restriction(days: Weekday.weekend)), excludeDates: [Fx.date("2026-03-08")]),
        ])

    /// Daily a/b in UTC with overrides: r1 replaces a by c, r2 replaces b by a, x1 adds d, x2 adds a (already scheduled).
    static let overridden = Schedule(
        name: "overrides", timeZone: Fx.zone("UTC"), layers: [daily(["a", "b"], at: "09:00")],
        overrides: [
            .add(id: "x1", "d", from: Fx.utc("2026-01-03T10:00:00Z"), to: Fx.utc("2026-01-03T11:00:00Z")),
            .replace(id: "r1", covering: "a", by: "c", from: Fx.utc("2026-01-01T12:00:00Z"), to: Fx.utc("2026-01-02T12:00:00Z")),
            .replace(id: "r2", covering: "b", by: "a", from: Fx.utc("2026-01-02T10:00:00Z"), to: Fx.utc("2026-01-02T11:00:00Z")),
            .add(id: "x2", "a", from: Fx.utc("2026-01-03T20:00:00Z"), to: Fx.utc("2026-01-03T21:00:00Z")),
        ])

    /// Layer 0: fixed a 08–16 and b 12–20 overlapping; layer 1: fixed c 14–15.
    static let overlapping = Schedule(
        name: "overlap", timeZone: Fx.zone("UTC"),
        layers: [
            .fixed([
                FixedShift("a", from: Fx.utc("2026-01-01T08:00:00Z"), to: Fx.utc("2026-01-01T16:00:00Z")),
                FixedShift("b", from: Fx.utc("2026-01-01T12:00:00Z"), to: Fx.utc("2026-01-01T20:00:00Z")),
            ]),
            .fixed([FixedShift("c", from: Fx.utc("2026-01-01T14:00:00Z"), to: Fx.utc("2026-01-01T15:00:00Z"))]),
        ])

    static func berlin(_ text: String) -> Date { Fx.local(text, "Europe/Berlin") }

    static let lookups: [LookupCase] = [
        LookupCase(name: "night layer closed before 20:00 Monday", schedule: nights, at: berlin("2026-03-02 19:59"), expected: ["z"]),
        LookupCase(name: "night layer opens Monday 20:00", schedule: nights, at: berlin("2026-03-02 20:00"), expected: ["a"]),
        LookupCase(name: "Monday's night runs into Tuesday morning", schedule: nights, at: berlin("2026-03-03 07:59"), expected: ["a"]),
        LookupCase(name: "closes Tuesday 08:00", schedule: nights, at: berlin("2026-03-03 08:00"), expected: ["z"]),
        LookupCase(name: "Friday night", schedule: nights, at: berlin("2026-03-06 23:00"), expected: ["a"]),
        LookupCase(name: "Friday's night runs into Saturday", schedule: nights, at: berlin("2026-03-07 07:59"), expected: ["a"]),
        LookupCase(name: "no Saturday night", schedule: nights, at: berlin("2026-03-07 20:00"), expected: ["z"]),
        LookupCase(name: "no Sunday night", schedule: nights, at: berlin("2026-03-08 23:00"), expected: ["z"]),
        LookupCase(name: "Monday small hours belong to Sunday's (absent) night", schedule: nights, at: berlin("2026-03-09 03:00"), expected: ["z"]),
        LookupCase(name: "Monday night again", schedule: nights, at: berlin("2026-03-09 21:00"), expected: ["a"]),
        LookupCase(name: "weekend layer wins on Saturday", schedule: weekends, at: berlin("2026-03-07 10:00"), expected: ["w"]),
        LookupCase(name: "holiday: weekend layer off on 2026-03-08", schedule: weekends, at: berlin("2026-03-08 12:00"), expected: ["z"]),
        LookupCase(name: "weekend layer again from the next Saturday 00:00", schedule: weekends, at: berlin("2026-03-14 00:00"), expected: ["w"]),
        LookupCase(name: "lower layer shows through on Monday", schedule: weekends, at: berlin("2026-03-09 00:00"), expected: ["z"]),
        LookupCase(name: "replace applies where a is scheduled", schedule: overridden, at: "2026-01-01T13:00:00Z", expected: ["c"]),
        LookupCase(name: "replace of a does nothing on b's day", schedule: overridden, at: "2026-01-02T09:30:00Z", expected: ["b"]),
        LookupCase(name: "replace b by a; r1 does not chain onto a", schedule: overridden, at: "2026-01-02T10:30:00Z", expected: ["a"]),
        LookupCase(name: "add puts d on call beside a", schedule: overridden, at: "2026-01-03T10:30:00Z", expected: ["a", "d"]),
        LookupCase(name: "add of the scheduled person: once", schedule: overridden, at: "2026-01-03T20:30:00Z", expected: ["a"]),
        LookupCase(name: "override end is exclusive", schedule: overridden, at: "2026-01-03T11:00:00Z", expected: ["a"]),
        LookupCase(name: "overlap: both on call", schedule: overlapping, at: "2026-01-01T13:00:00Z", expected: ["a", "b"]),
        LookupCase(name: "overlap: higher layer wins over both", schedule: overlapping, at: "2026-01-01T14:30:00Z", expected: ["c"]),
        LookupCase(name: "overlap: only b after 16:00", schedule: overlapping, at: "2026-01-01T16:00:00Z", expected: ["b"]),
        LookupCase(name: "overlap: nobody after 20:00", schedule: overlapping, at: "2026-01-01T20:00:00Z", expected: []),
    ]

    @Test(arguments: lookups)
    func lookup(_ c: LookupCase) {
        #expect(c.schedule.onCall(at: c.at) == c.expected)
    }

    static let l0 = Shift.Source.layer(0)
    static let l1 = Shift.Source.layer(1)

    /// Shanghai: z below (hand-offs at 12:00, so they never mark midnight); a daily from 09:00
    /// above, off on the May Day holidays.
    static let holidays = Schedule(
        name: "holidays", timeZone: Fx.zone("Asia/Shanghai"),
        layers: [
            daily(["z"], at: "12:00"),
            daily(["a"], at: "09:00", exclude: [Fx.date("2026-05-01"), Fx.date("2026-05-02")]),
        ])

    static let timelines: [TimelineCase] = [
        TimelineCase(
            name: "overrides in the final timeline", schedule: overridden, from: "2026-01-01T09:00:00Z", to: "2026-01-04T09:00:00Z",
            expected: [
                ("a", "2026-01-01T09:00:00Z", "2026-01-01T12:00:00Z", l0),
                ("c", "2026-01-01T12:00:00Z", "2026-01-02T09:00:00Z", .override("r1")),
                ("b", "2026-01-02T09:00:00Z", "2026-01-02T10:00:00Z", l0),
                ("a", "2026-01-02T10:00:00Z", "2026-01-02T11:00:00Z", .override("r2")),
                ("b", "2026-01-02T11:00:00Z", "2026-01-03T09:00:00Z", l0),
                ("a", "2026-01-03T09:00:00Z", "2026-01-03T20:00:00Z", l0),
                ("d", "2026-01-03T10:00:00Z", "2026-01-03T11:00:00Z", .override("x1")),
                ("a", "2026-01-03T20:00:00Z", "2026-01-03T21:00:00Z", .override("x2")),
                ("a", "2026-01-03T21:00:00Z", "2026-01-04T09:00:00Z", l0),
            ]),
        TimelineCase(
            name: "overlapping shifts and a higher layer", schedule: overlapping, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z",
            expected: [
                ("a", "2026-01-01T08:00:00Z", "2026-01-01T14:00:00Z", l0),
                ("b", "2026-01-01T12:00:00Z", "2026-01-01T14:00:00Z", l0),
                ("c", "2026-01-01T14:00:00Z", "2026-01-01T15:00:00Z", l1),
                ("a", "2026-01-01T15:00:00Z", "2026-01-01T16:00:00Z", l0),
                ("b", "2026-01-01T15:00:00Z", "2026-01-01T20:00:00Z", l0),
            ]),
        TimelineCase(
            name: "holiday dates hand the days to the lower layer", schedule: holidays, from: "2026-04-30T00:00:00Z", to: "2026-05-03T12:00:00Z",
            expected: [
                ("a", "2026-04-30T00:00:00Z", "2026-04-30T16:00:00Z", l1),
                ("z", "2026-04-30T16:00:00Z", "2026-05-02T16:00:00Z", l0),
                ("a", "2026-05-02T16:00:00Z", "2026-05-03T12:00:00Z", l1),
            ]),
        TimelineCase(
            name: "a nightly window across spring-forward is 11 h (20:00 CET to 08:00 CEST)",
            schedule: Fx.rotation(
                ["a"], "Europe/Berlin", start: "2026-03-01", at: "12:00", .daily,
                restriction: Restriction(window: .init(from: Fx.time("20:00"), to: Fx.time("08:00")))),
            from: "2026-03-28T12:00:00Z", to: "2026-03-29T12:00:00Z",
            expected: [
                ("a", "2026-03-28T19:00:00Z", "2026-03-29T06:00:00Z", l0)
            ]),
        TimelineCase(
            name: "nights: a Friday and the weekend", schedule: nights, from: "2026-03-06T12:00:00Z", to: "2026-03-09T12:00:00Z",
            expected: [
                ("z", "2026-03-06T12:00:00Z", "2026-03-06T19:00:00Z", l0),
                ("a", "2026-03-06T19:00:00Z", "2026-03-07T07:00:00Z", l1),
                ("z", "2026-03-07T07:00:00Z", "2026-03-09T12:00:00Z", l0),
            ]),
    ]

    @Test(arguments: timelines)
    func timeline(_ c: TimelineCase) {
        #expect(Fx.plain(c.schedule.shifts(from: Fx.utc(c.from), to: Fx.utc(c.to))) == Fx.rows(c.expected))
    }

    /// Shanghai business hours on workdays, plus an add override on Saturday morning.
    static let businessHours = Schedule(
        name: "office", timeZone: Fx.zone("Asia/Shanghai"),
        layers: [
            daily(["a"], restriction: Restriction(days: Weekday.workdays, window: .init(from: Fx.time("09:00"), to: Fx.time("17:00"))))
        ], overrides: [.add(id: "sat", "b", from: Fx.utc("2026-03-07T02:00:00Z"), to: Fx.utc("2026-03-07T04:00:00Z"))])

    /// (from, to, expected gaps as UTC pairs)
    static let gapCases: [(String, String, [(String, String)])] = [
        (
            "2026-03-05T16:00:00Z", "2026-03-09T16:00:00Z",
            [
                ("2026-03-05T16:00:00Z", "2026-03-06T01:00:00Z"),  // Friday 00:00–09:00
                ("2026-03-06T09:00:00Z", "2026-03-07T02:00:00Z"),  // Friday 17:00 – Saturday 10:00
                ("2026-03-07T04:00:00Z", "2026-03-09T01:00:00Z"),  // Saturday 12:00 – Monday 09:00
                ("2026-03-09T09:00:00Z", "2026-03-09T16:00:00Z"),  // Monday 17:00–24:00
            ]
        ),
        ("2026-03-06T02:00:00Z", "2026-03-06T08:00:00Z", []),  // inside Friday's hours
        ("2026-03-08T00:00:00Z", "2026-03-08T06:00:00Z", [("2026-03-08T00:00:00Z", "2026-03-08T06:00:00Z")]),
    ]

    @Test(arguments: gapCases)
    func gaps(_ c: (String, String, [(String, String)])) {
        let got = ScheduleTests.businessHours.gaps(from: Fx.utc(c.0), to: Fx.utc(c.1))
        #expect(got == c.2.map { DateInterval(start: Fx.utc($0.0), end: Fx.utc($0.1)) })
    }
}
