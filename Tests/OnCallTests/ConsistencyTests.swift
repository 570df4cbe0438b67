import Foundation
import Testing
@testable import OnCall
import TestSupport
import TimeKit

/// Random schedules (rotations of every kind, restrictions, holidays, fixed shifts, overrides,
/// zones with and without DST): the timeline, the gaps and `onCall(at:)` must tell one story.
@Suite struct ConsistencyTests {
    static let zones = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe", "UTC"]
    static let pool: [PersonID] = ["a", "b", "c", "d", "e", "f"]
    static let frequencies: [Rotation.Frequency] = [
        .hourly, .daily, .weekly, .days(2), .days(5), .hours(2), .hours(3), .hours(8),
        .hours(12), .hours(5), .hours(7), .hours(36),
    ]
    static let base = Fx.utc("2026-01-01T00:00:00Z").timeIntervalSince1970

    static func pick<T>(_ xs: [T], _ rng: inout Fx.Rng) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }

    static func instant(day: ClosedRange<Int>, _ rng: inout Fx.Rng) -> Date {
        Date(timeIntervalSince1970: base + Double(Int.random(in: day, using: &rng) * 86_400 + Int.random(in: 0..<96, using: &rng) * 900))
    }

    static func randomLayer(_ rng: inout Fx.Rng) -> Layer {
        let exclude = Set(
            (0..<Int.random(in: 0...3, using: &rng)).map { _ in LocalDate(daysSinceEpoch: 20_454 + Int.random(in: 60...130, using: &rng)) })
        if Int.random(in: 0..<10, using: &rng) < 3 {
            let shifts = (0..<Int.random(in: 0...8, using: &rng)).map { _ in
                let start = instant(day: 60...130, &rng)
                return FixedShift(pick(pool, &rng), from: start, to: start.addingTimeInterval(Double(Int.random(in: 1...48, using: &rng) * 3600)))
            }
            return .fixed(shifts, excludeDates: exclude)
        }
        var restriction: Restriction?
        if Bool.random(using: &rng) {
            let days = Set(Weekday.allCases.filter { _ in Bool.random(using: &rng) })
            let window =
                Bool.random(using: &rng)
                ? Restriction.Window(
                    from: LocalTime(Int.random(in: 0...23, using: &rng), pick([0, 30], &rng)),
                    to: LocalTime(Int.random(in: 0...23, using: &rng), pick([0, 30], &rng)))
                : nil
            restriction = Restriction(days: days, window: window)
        }
        let people = (0..<Int.random(in: 1...4, using: &rng)).map { _ in pick(pool, &rng) }
        let rotation = Rotation(
            people: people, startDate: LocalDate(daysSinceEpoch: 20_454 + Int.random(in: 0...120, using: &rng)),
            handoff: LocalTime(Int.random(in: 0...23, using: &rng), pick([0, 30], &rng)),
            frequency: pick(frequencies, &rng), restriction: restriction)
        return .rotation(rotation, excludeDates: exclude)
    }

    static func randomSchedule(_ rng: inout Fx.Rng) -> Schedule {
        let layers = (0..<Int.random(in: 1...4, using: &rng)).map { _ in randomLayer(&rng) }
        let overrides = (0..<Int.random(in: 0...8, using: &rng)).map { i -> Override in
            let start = instant(day: 60...130, &rng)
            let end = start.addingTimeInterval(Double(Int.random(in: 1...72, using: &rng) * 1800))
            return Bool.random(using: &rng)
                ? .replace(id: "r\(i)", covering: pick(pool, &rng), by: pick(pool, &rng), from: start, to: end)
                : .add(id: "x\(i)", pick(pool, &rng), from: start, to: end)
        }
        return Schedule(name: "random", timeZone: Fx.zone(pick(zones, &rng)), layers: layers, overrides: overrides)
    }

    @Test(arguments: 0..<150)
    func timelineGapsAndLookupsAgree(_ seed: Int) {
        var rng = Fx.Rng(state: UInt64(seed) &* 0x51ED_2701)
        let schedule = Self.randomSchedule(&rng)
        let from = Self.instant(day: 55...125, &rng)
        let to = from.addingTimeInterval(Double(Int.random(in: 1...20, using: &rng) * 86_400 + 1234))
        let shifts = schedule.shifts(from: from, to: to)
        let gaps = schedule.gaps(from: from, to: to)

        for s in shifts {
            #expect(s.start < s.end && s.start >= from && s.end <= to, "seed \(seed): \(s)")
        }
        // Pieces of one person from one source never overlap or touch: they would have merged.
        let grouped = Dictionary(grouping: shifts, by: { "\($0.personID)|\($0.source)" })
        for (_, pieces) in grouped {
            for (x, y) in zip(pieces, pieces.dropFirst()) { #expect(x.end < y.start, "seed \(seed): \(x) then \(y)") }
        }
        var probes = shifts.flatMap { [$0.start, $0.end.addingTimeInterval(-0.5)] } + gaps.map(\.start)
        for _ in 0..<300 { probes.append(from.addingTimeInterval(Double.random(in: 0..<to.timeIntervalSince(from), using: &rng))) }
        for t in probes where t >= from && t < to {
            let fromTimeline = Set(shifts.filter { $0.start <= t && t < $0.end }.map(\.personID)).sorted()
            let direct = schedule.onCall(at: t)
            #expect(direct == fromTimeline, "seed \(seed) at \(t): onCall \(direct), timeline \(fromTimeline)")
            let inGap = gaps.contains { $0.start <= t && t < $0.end }
            #expect(inGap == direct.isEmpty, "seed \(seed) at \(t): gap \(inGap), onCall \(direct)")
        }
    }
}
