import Foundation
import TimeKit

/// Shared test fixtures for times and randomness. Expected instants are written as UTC
/// literals worked out by hand, or computed through Foundation's `Calendar` (never through the
/// code under test) for wall times that are neither skipped nor repeated. Test targets extend
/// `Fx` with their own helpers.
public enum Fx {
    /// `2026-03-28T08:00:00Z` → Date.
    public static func utc(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        guard let d = f.date(from: text) else { fatalError("bad UTC literal \(text)") }
        return d
    }

    /// A zone that must exist.
    public static func zone(_ id: String) -> TimeZone {
        guard let z = TimeZone(identifier: id) else { fatalError("unknown zone \(id)") }
        return z
    }

    /// `2026-03-02 19:59` (an unambiguous wall time) in `zone` → Date, through `Calendar`.
    public static func local(_ text: String, _ zone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zone(zone)
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == ":" }).map { Int($0)! }
        let c = DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4])
        guard let d = calendar.date(from: c) else { fatalError("no date for \(text)") }
        return d
    }

    /// A date that must parse.
    public static func date(_ text: String) -> LocalDate {
        guard let d = LocalDate(text) else { fatalError("bad date \(text)") }
        return d
    }

    /// A time that must parse.
    public static func time(_ text: String) -> LocalTime {
        guard let t = LocalTime(text) else { fatalError("bad time \(text)") }
        return t
    }

    /// A deterministic generator (SplitMix64) for seeded randomized tests.
    public struct Rng: RandomNumberGenerator {
        public var state: UInt64
        public init(state: UInt64) { self.state = state }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
