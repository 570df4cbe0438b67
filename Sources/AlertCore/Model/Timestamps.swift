import Foundation

/// RFC 3339 helpers. Sources send nanoseconds and offsets; Klaxon keeps what they sent and
/// writes its own times in UTC with milliseconds.
public enum Timestamps {
    /// Alertmanager and Grafana write this for "not ended".
    public static let zeroTime = "0001-01-01T00:00:00Z"

    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Parses RFC 3339 with any fraction length (up to nanoseconds) and any offset.
    public static func parse(_ text: String) -> Date? {
        // Trim the fraction to milliseconds: ISO8601FormatStyle accepts at most that reliably.
        var s = Substring(text)
        if let dot = s.firstIndex(of: ".") {
            let fracEnd = s[s.index(after: dot)...].firstIndex(where: { !$0.isNumber }) ?? s.endIndex
            let digits = s[s.index(after: dot)..<fracEnd]
            let ms = String(digits.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
            s = s[..<dot] + "." + ms + s[fracEnd...]
        } else if let t = s.firstIndex(of: "T") {
            // Add a fraction so one format style parses both.
            let zoneStart = s[t...].firstIndex(where: { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" }) ?? s.endIndex
            s = s[..<zoneStart] + ".000" + s[zoneStart...]
        }
        return try? Date(String(s), strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `true` for a missing, empty or zero ("not ended") time.
    public static func isUnset(_ text: String?) -> Bool {
        guard let t = text, !t.isEmpty else { return true }
        return t.hasPrefix("0001-01-01")
    }

    /// Renders a time in a named zone for people: `2026-01-02 08:30:12 CST`.
    public static func local(_ date: Date, timeZone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let abbr = timeZone.abbreviation(for: date) ?? timeZone.identifier
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d %@", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, abbr)
    }
}
