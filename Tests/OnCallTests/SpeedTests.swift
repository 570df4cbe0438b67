import Foundation
import Testing
import OnCall
import TestSupport
import TimeKit

/// Times `onCall(at:)` on a realistic schedule and prints it; never asserts a duration (debug
/// builds and a busy machine vary too much). Checks only that the lookups agree with the
/// timeline, so the loop cannot be optimised away or be timing something wrong.
@Suite struct SpeedTests {
    /// Five layers in Berlin and two years of overrides (three a day, 2–12 h each).
    static func busySchedule() -> Schedule {
        var rng = Fx.Rng(state: 2026)
        let berlin = Fx.zone("Europe/Berlin")
        let start = Fx.date("2026-01-05")
        let base = Fx.utc("2026-01-01T00:00:00Z")
        let fixed = (0..<104).map { w in
            FixedShift(
                w % 2 == 0 ? "f1" : "f2", from: base.addingTimeInterval(Double(w) * 7 * 86_400 + 3600 * 30),
                to: base.addingTimeInterval(Double(w) * 7 * 86_400 + 3600 * 40))
        }
        let layers: [Layer] = [
            .rotation(Rotation(people: ["a", "b", "c", "d"], startDate: start, handoff: Fx.time("09:00"), frequency: .weekly)),
            .rotation(
                Rotation(
                    people: ["e", "f"], startDate: start, handoff: Fx.time("09:00"), frequency: .daily,
                    restriction: Restriction(days: Weekday.workdays, window: .init(from: Fx.time("20:00"), to: Fx.time("08:00")))),
                excludeDates: [Fx.date("2026-05-01"), Fx.date("2026-12-25"), Fx.date("2027-05-01"), Fx.date("2027-12-25")]),
            .rotation(
                Rotation(
                    people: ["g", "h", "i"], startDate: start, handoff: Fx.time("08:00"), frequency: .hours(12),
                    restriction: Restriction(days: Weekday.weekend))),
            .fixed(fixed),
            .rotation(
                Rotation(
                    people: ["j", "k"], startDate: start, handoff: Fx.time("02:30"), frequency: .days(3),
                    restriction: Restriction(window: .init(from: Fx.time("12:00"), to: Fx.time("13:00"))))),
        ]
        let people: [PersonID] = ["a", "b", "c", "d", "e", "f", "x", "y"]
        let overrides = (0..<(730 * 3)).map { i -> Override in
            let from = base.addingTimeInterval(Double(i) * 8 * 3600 + Double(Int.random(in: 0..<14_400, using: &rng)))
            let to = from.addingTimeInterval(Double(Int.random(in: 2...12, using: &rng)) * 3600)
            return i % 2 == 0
                ? .replace(id: "r\(i)", covering: people[i % people.count], by: "y", from: from, to: to)
                : .add(id: "x\(i)", people[(i / 2) % people.count], from: from, to: to)
        }
        return Schedule(name: "busy", timeZone: berlin, layers: layers, overrides: overrides)
    }

    @Test func onCallLookupTiming() {
        let schedule = Self.busySchedule()
        var rng = Fx.Rng(state: 99)
        let base = Fx.utc("2026-01-01T00:00:00Z").timeIntervalSince1970
        let instants = (0..<20_000).map { _ in Date(timeIntervalSince1970: base + Double.random(in: 0..<(730 * 86_400), using: &rng)) }
        var total = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for t in instants { total &+= schedule.onCall(at: t).count }
        }
        let perCall = elapsed / instants.count
        print("OnCall speed: onCall(at:) on 5 layers + \(schedule.overrides.count) overrides: \(perCall) per call (\(instants.count) calls)")
        let timelineStart = ContinuousClock.now
        let shifts = schedule.shifts(from: Fx.utc("2026-01-01T00:00:00Z"), to: Fx.utc("2028-01-01T00:00:00Z"))
        print("OnCall speed: shifts over 2 years: \(shifts.count) shifts in \(ContinuousClock.now - timelineStart)")
        // The lookups agree with the timeline (and `total` is used, so the loop is not dead code).
        var fromTimeline = 0
        var direct = 0
        for t in instants.prefix(500) {
            fromTimeline += Set(shifts.filter { $0.start <= t && t < $0.end }.map(\.personID)).count
            direct += schedule.onCall(at: t).count
        }
        #expect(direct == fromTimeline)
        #expect(total > 0)
    }
}
