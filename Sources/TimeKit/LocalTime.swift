/// A wall-clock time of day with no date or zone, to the second (e.g. a 09:00 hand-off).
public struct LocalTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Seconds after local midnight, 0..<86400.
    public let secondsOfDay: Int

    /// A time from hours (0...23), minutes and seconds; out-of-range parts are clamped into the day.
    public init(_ hour: Int, _ minute: Int = 0, _ second: Int = 0) {
        secondsOfDay = min(max(hour * 3600 + minute * 60 + second, 0), 86_399)
    }

    /// Parses `HH:MM` or `HH:MM:SS` (24-hour); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 }) else { return nil }
        let values = parts.compactMap { Int($0) }
        guard values.count == parts.count, (0...23).contains(values[0]), (0...59).contains(values[1]) else { return nil }
        let s = values.count == 3 ? values[2] : 0
        guard (0...59).contains(s) else { return nil }
        self.init(values[0], values[1], s)
    }

    /// Local midnight.
    public static let midnight = LocalTime(0)

    /// The hour, 0...23.
    public var hour: Int { secondsOfDay / 3600 }
    /// The minute, 0...59.
    public var minute: Int { secondsOfDay / 60 % 60 }
    /// The second, 0...59.
    public var second: Int { secondsOfDay % 60 }

    /// `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return second == 0 ? "\(two(hour)):\(two(minute))" : "\(two(hour)):\(two(minute)):\(two(second))"
    }

    /// Earlier in the day first.
    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.secondsOfDay < b.secondsOfDay }
}
