import Foundation
import Testing
@testable import OnCall
import TestSupport
import TimeKit

/// One expected timeline: the shifts of `schedule` over `[from, to)`.
struct TimelineCase: Sendable, CustomTestStringConvertible {
    let name: String
    let schedule: Schedule
    let from: String
    let to: String
    let expected: [(PersonID, String, String, Shift.Source)]
    var testDescription: String { name }
}

/// One expected lookup: who `schedule` has on call at `at`.
struct LookupCase: Sendable, CustomTestStringConvertible {
    let name: String
    let schedule: Schedule
    let at: Date
    let expected: [PersonID]
    var testDescription: String { "\(name) @ \(ISO8601DateFormatter().string(from: at))" }

    /// A case at a UTC literal.
    init(name: String, schedule: Schedule, at: String, expected: [PersonID]) {
        self.init(name: name, schedule: schedule, at: Fx.utc(at), expected: expected)
    }

    /// A case at an instant.
    init(name: String, schedule: Schedule, at: Date, expected: [PersonID]) {
        self.name = name
        self.schedule = schedule
        self.at = at
        self.expected = expected
    }
}

/// Rotations: daily, weekly, every N days, hourly and N-hour, and their hand-offs across DST.
@Suite struct RotationTests {
    static let l0 = Shift.Source.layer(0)

    static let timelines: [TimelineCase] = [
        TimelineCase(
            name: "Berlin daily 09:00 across spring-forward: 09:00 local before and after, 23 h shift",
            schedule: Fx.rotation(["a", "b", "c", "d"], "Europe/Berlin", start: "2026-03-27", at: "09:00", .daily),
            from: "2026-03-27T08:00:00Z", to: "2026-03-31T07:00:00Z",
            expected: [
                ("a", "2026-03-27T08:00:00Z", "2026-03-28T08:00:00Z", l0),
                ("b", "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", l0),
                ("c", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z", l0),
                ("d", "2026-03-30T07:00:00Z", "2026-03-31T07:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Berlin daily 09:00 across fall-back: 25 h shift",
            schedule: Fx.rotation(["a", "b", "c"], "Europe/Berlin", start: "2026-10-23", at: "09:00", .daily),
            from: "2026-10-23T07:00:00Z", to: "2026-10-26T08:00:00Z",
            expected: [
                ("a", "2026-10-23T07:00:00Z", "2026-10-24T07:00:00Z", l0),
                ("b", "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", l0),
                ("c", "2026-10-25T08:00:00Z", "2026-10-26T08:00:00Z", l0),
            ]),
        TimelineCase(
            name: "New York daily 09:00 across both changes",
            schedule: Fx.rotation(["a", "b", "c"], "America/New_York", start: "2026-03-07", at: "09:00", .daily),
            from: "2026-03-07T14:00:00Z", to: "2026-03-10T13:00:00Z",
            expected: [
                ("a", "2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", l0),
                ("b", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z", l0),
                ("c", "2026-03-09T13:00:00Z", "2026-03-10T13:00:00Z", l0),
            ]),
        TimelineCase(
            name: "New York daily 09:00 across fall-back",
            schedule: Fx.rotation(["a", "b"], "America/New_York", start: "2026-10-31", at: "09:00", .daily),
            from: "2026-10-31T13:00:00Z", to: "2026-11-02T14:00:00Z",
            expected: [
                ("a", "2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", l0),
                ("b", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Berlin 02:30 hand-off: 03:30 local on spring-forward day",
            schedule: Fx.rotation(["a", "b", "c"], "Europe/Berlin", start: "2026-03-28", at: "02:30", .daily),
            from: "2026-03-28T01:30:00Z", to: "2026-03-31T00:30:00Z",
            expected: [
                ("a", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", l0),
                ("b", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z", l0),
                ("c", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z", l0),
            ]),
        TimelineCase(
            name: "Berlin 02:30 hand-off: first 02:30 on fall-back day",
            schedule: Fx.rotation(["a", "b", "c"], "Europe/Berlin", start: "2026-10-24", at: "02:30", .daily),
            from: "2026-10-24T00:30:00Z", to: "2026-10-27T01:30:00Z",
            expected: [
                ("a", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", l0),
                ("b", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", l0),
                ("c", "2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z", l0),
            ]),
        TimelineCase(
            name: "New York 02:30 on spring-forward day → 03:30 EDT; 01:30 on fall-back → first (EDT)",
            schedule: Fx.rotation(["a", "b"], "America/New_York", start: "2026-03-07", at: "02:30", .daily),
            from: "2026-03-07T07:30:00Z", to: "2026-03-09T06:30:00Z",
            expected: [
                ("a", "2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z", l0),
                ("b", "2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z", l0),
            ]),
        TimelineCase(
            name: "New York 01:30 on fall-back day → first 01:30 (EDT)",
            schedule: Fx.rotation(["a", "b"], "America/New_York", start: "2026-10-31", at: "01:30", .daily),
            from: "2026-10-31T05:30:00Z", to: "2026-11-02T06:30:00Z",
            expected: [
                ("a", "2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", l0),
                ("b", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", l0),
            ]),
        TimelineCase(
            name: "Shanghai 02:30 on the Berlin change days: 24 h shifts",
            schedule: Fx.rotation(["a", "b", "c"], "Asia/Shanghai", start: "2026-03-28", at: "02:30", .daily),
            from: "2026-03-27T18:30:00Z", to: "2026-03-30T18:30:00Z",
            expected: [
                ("a", "2026-03-27T18:30:00Z", "2026-03-28T18:30:00Z", l0),
                ("b", "2026-03-28T18:30:00Z", "2026-03-29T18:30:00Z", l0),
                ("c", "2026-03-29T18:30:00Z", "2026-03-30T18:30:00Z", l0),
            ]),
        TimelineCase(
            name: "Shanghai 09:00 on the fall-back day",
            schedule: Fx.rotation(["a", "b"], "Asia/Shanghai", start: "2026-10-24", at: "09:00", .daily),
            from: "2026-10-24T01:00:00Z", to: "2026-10-26T01:00:00Z",
            expected: [
                ("a", "2026-10-24T01:00:00Z", "2026-10-25T01:00:00Z", l0),
                ("b", "2026-10-25T01:00:00Z", "2026-10-26T01:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Repeated person: consecutive shifts merge",
            schedule: Fx.rotation(["a", "a", "b"], "UTC", start: "2026-01-01", at: "08:00", .daily),
            from: "2026-01-01T00:00:00Z", to: "2026-01-05T08:00:00Z",
            expected: [
                ("a", "2026-01-01T08:00:00Z", "2026-01-03T08:00:00Z", l0),
                ("b", "2026-01-03T08:00:00Z", "2026-01-04T08:00:00Z", l0),
                ("a", "2026-01-04T08:00:00Z", "2026-01-05T08:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Every 12 hours in Berlin stays on 09:00/21:00 (the night shift is 11 h)",
            schedule: Fx.rotation(["a", "b"], "Europe/Berlin", start: "2026-03-28", at: "09:00", .hours(12)),
            from: "2026-03-28T08:00:00Z", to: "2026-03-29T19:00:00Z",
            expected: [
                ("a", "2026-03-28T08:00:00Z", "2026-03-28T20:00:00Z", l0),
                ("b", "2026-03-28T20:00:00Z", "2026-03-29T07:00:00Z", l0),
                ("a", "2026-03-29T07:00:00Z", "2026-03-29T19:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Hourly in Berlin on spring-forward: the 02:00 label is skipped (c loses that turn)",
            schedule: Fx.rotation(["a", "b", "c"], "Europe/Berlin", start: "2026-03-29", at: "00:00", .hourly),
            from: "2026-03-28T23:00:00Z", to: "2026-03-29T03:00:00Z",
            expected: [
                ("a", "2026-03-28T23:00:00Z", "2026-03-29T00:00:00Z", l0),
                ("b", "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", l0),
                ("a", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z", l0),
                ("b", "2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Hourly in Berlin on fall-back: the repeated 02:00 hour is one 2 h shift",
            schedule: Fx.rotation(["a", "b", "c"], "Europe/Berlin", start: "2026-10-25", at: "00:00", .hourly),
            from: "2026-10-24T22:00:00Z", to: "2026-10-25T03:00:00Z",
            expected: [
                ("a", "2026-10-24T22:00:00Z", "2026-10-24T23:00:00Z", l0),
                ("b", "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z", l0),
                ("c", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", l0),
                ("a", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z", l0),
            ]),
        TimelineCase(
            name: "Every 5 hours counts elapsed time across spring-forward (wall labels move)",
            schedule: Fx.rotation(["a", "b"], "Europe/Berlin", start: "2026-03-28", at: "20:00", .hours(5)),
            from: "2026-03-28T19:00:00Z", to: "2026-03-29T09:00:00Z",
            expected: [
                ("a", "2026-03-28T19:00:00Z", "2026-03-29T00:00:00Z", l0),
                ("b", "2026-03-29T00:00:00Z", "2026-03-29T05:00:00Z", l0),
                ("a", "2026-03-29T05:00:00Z", "2026-03-29T09:00:00Z", l0),
            ]),
    ]

    @Test(arguments: timelines)
    func timeline(_ c: TimelineCase) {
        #expect(Fx.plain(c.schedule.shifts(from: Fx.utc(c.from), to: Fx.utc(c.to))) == Fx.rows(c.expected))
    }

    static let weekly = Fx.rotation(["a", "b", "c"], "Asia/Shanghai", start: "2026-01-05", at: "09:00", .weekly)
    static let every3 = Fx.rotation(["a", "b"], "UTC", start: "2026-01-01", at: "08:00", .days(3))
    static let hourlyNY = Fx.rotation(["a", "b", "c", "d"], "America/New_York", start: "2026-03-08", at: "00:00", .hourly)

    static let lookups: [LookupCase] = [
        LookupCase(name: "weekly: before the start nobody", schedule: weekly, at: "2026-01-05T00:59:59Z", expected: []),
        LookupCase(name: "weekly: first shift", schedule: weekly, at: "2026-01-05T01:00:00Z", expected: ["a"]),
        LookupCase(name: "weekly: last second of the first week", schedule: weekly, at: "2026-01-12T00:59:59Z", expected: ["a"]),
        LookupCase(name: "weekly: second week", schedule: weekly, at: "2026-01-12T01:00:00Z", expected: ["b"]),
        LookupCase(name: "weekly: fourth week wraps to a", schedule: weekly, at: "2026-01-26T01:00:00Z", expected: ["a"]),
        // 2026-01-05 + 52 weeks = 2027-01-04; week 52 → 52 % 3 = 1 → b.
        LookupCase(name: "weekly: a year on", schedule: weekly, at: "2027-01-04T02:00:00Z", expected: ["b"]),
        LookupCase(name: "every 3 days: first", schedule: every3, at: "2026-01-04T07:59:59Z", expected: ["a"]),
        LookupCase(name: "every 3 days: second", schedule: every3, at: "2026-01-04T08:00:00Z", expected: ["b"]),
        LookupCase(name: "every 3 days: third", schedule: every3, at: "2026-01-07T08:00:00Z", expected: ["a"]),
        // 2027-06-15 is day 530 after 2026-01-01; at 12:00 that is shift 176 → a.
        LookupCase(name: "every 3 days: 530 days on", schedule: every3, at: "2027-06-15T12:00:00Z", expected: ["a"]),
        // Day 531 at 08:00 starts shift 177 (b), which runs through day 533.
        LookupCase(name: "every 3 days: 532 days on", schedule: every3, at: "2027-06-17T08:00:00Z", expected: ["b"]),
        // New York hourly on 2026-03-08: 00:00 EST=05:00Z a, 01:00=06:00Z b, 02:00 skipped (c), 03:00 EDT=07:00Z d.
        LookupCase(name: "hourly NY 00:30 EST", schedule: hourlyNY, at: "2026-03-08T05:30:00Z", expected: ["a"]),
        LookupCase(name: "hourly NY 01:30 EST", schedule: hourlyNY, at: "2026-03-08T06:30:00Z", expected: ["b"]),
        LookupCase(name: "hourly NY 03:30 EDT: c's 02:00 turn was skipped", schedule: hourlyNY, at: "2026-03-08T07:30:00Z", expected: ["d"]),
        LookupCase(name: "hourly NY 04:30 EDT", schedule: hourlyNY, at: "2026-03-08T08:30:00Z", expected: ["a"]),
        // A day later: 24 hand-off labels per day, day 1 starts at shift 24 → a at 00:00 EDT (04:00Z).
        LookupCase(name: "hourly NY next midnight", schedule: hourlyNY, at: "2026-03-09T04:00:00Z", expected: ["a"]),
        LookupCase(name: "hourly NY next 09:00 EDT (shift 33 → b)", schedule: hourlyNY, at: "2026-03-09T13:00:00Z", expected: ["b"]),
    ]

    @Test(arguments: lookups)
    func lookup(_ c: LookupCase) {
        #expect(c.schedule.onCall(at: c.at) == c.expected)
    }
}
