import Foundation
@testable import OnCall

/// Test helpers. Expected instants are written as UTC literals worked out by hand, or computed
/// through Foundation's `Calendar` (not through `ZoneClock`) for wall times that are neither
/// skipped nor repeated, so the code under test never grades itself.
enum Fx {
    /// `2026-03-28T08:00:00Z` → Date.
    static func utc(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        guard let d = f.date(from: text) else { fatalError("bad UTC literal \(text)") }
        return d
    }

    /// A zone that must exist.
    static func zone(_ id: String) -> TimeZone {
        guard let z = TimeZone(identifier: id) else { fatalError("unknown zone \(id)") }
        return z
    }

    /// `2026-03-02 19:59` (an unambiguous wall time) in `zone` → Date, through `Calendar`.
    static func local(_ text: String, _ zone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zone(zone)
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == ":" }).map { Int($0)! }
        let c = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4])
        guard let d = calendar.date(from: c) else { fatalError("no date for \(text)") }
        return d
    }

    /// A date that must parse.
    static func date(_ text: String) -> LocalDate {
        guard let d = LocalDate(text) else { fatalError("bad date \(text)") }
        return d
    }

    /// A time that must parse.
    static func time(_ text: String) -> LocalTime {
        guard let t = LocalTime(text) else { fatalError("bad time \(text)") }
        return t
    }

    /// A schedule of one rotation layer.
    static func rotation(_ people: [PersonID], _ zone: String, start: String, at handoff: String, _ frequency: Rotation.Frequency,
                         restriction: Restriction? = nil) -> Schedule {
        Schedule(name: "test", timeZone: Self.zone(zone), layers: [
            .rotation(Rotation(people: people, startDate: date(start), handoff: time(handoff), frequency: frequency, restriction: restriction))
        ])
    }

    /// `(person, start, end, source)` of shifts, with instants as UTC text, for readable failures.
    static func plain(_ shifts: [Shift]) -> [String] {
        let f = ISO8601DateFormatter()
        return shifts.map { "\($0.personID) \(f.string(from: $0.start)) \(f.string(from: $0.end)) \($0.source)" }
    }

    /// `plain` for expected rows given as `(person, startUTC, endUTC, source)`.
    static func rows(_ rows: [(PersonID, String, String, Shift.Source)]) -> [String] {
        plain(rows.map { Shift(personID: $0.0, start: utc($0.1), end: utc($0.2), source: $0.3) })
    }

    /// A deterministic generator (SplitMix64) for randomized tests.
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
