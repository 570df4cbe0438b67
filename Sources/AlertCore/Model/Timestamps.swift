import Foundation
import Templates
import TimeKit

/// RFC 3339 helpers. Sources send nanoseconds and offsets; Klaxon keeps what they sent and
/// writes its own times in UTC with milliseconds.
public enum Timestamps {
    /// Alertmanager and Grafana write this for "not ended".
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// UTC with milliseconds: `2026-01-02T06:30:12.123Z` (see `RFC3339Time.utcString`).
    public static func format(_ date: Date) -> String { RFC3339Time.utcString(date) }

    /// Parses RFC 3339 with any fraction length (up to nanoseconds, kept to the millisecond) and
    /// any offset, by the same reader as the templates' `time` helper (`RFC3339Time`).
    public static func parse(_ text: String) -> Date? { RFC3339Time(text)?.date }

    /// `true` for a missing, empty or zero ("not ended") time.
    public static func isUnset(_ text: String?) -> Bool {
        guard let t = text, !t.isEmpty else { return true }
        return t.hasPrefix("0001-01-01")
    }

    /// Renders a time in a named zone for people: `2026-01-02 08:30:12 CST`, exactly as the
    /// templates' `time` helper does (one implementation: `RFC3339Time`).
    public static func local(_ date: Date, timeZone: TimeZone) -> String {
        RFC3339Time(date).formatted(in: timeZone, named: timeZone.identifier)
    }
}
