import Foundation

/// RFC 3339 helpers. Sources send nanoseconds and offsets; Klaxon keeps what they sent and
/// writes its own times in UTC with milliseconds.
public enum Timestamps {
    /// Alertmanager and Grafana write this for "not ended".
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// UTC with milliseconds: `2026-01-02T06:30:12.123Z`. Written arithmetically (days to civil
    /// date, H. Hinnant's algorithm): Foundation's format style reads /etc/localtime on every
    /// call here, and the gateway formats a time per alert. A test compares it with Foundation.
    public static func format(_ date: Date) -> String {
        // Whole seconds, then the fraction truncated to milliseconds, as Foundation does (scaling
        // the whole time by 1000 first can round x.508999… up to .509).
        let t = date.timeIntervalSince1970
        let seconds = Int64(t.rounded(.down))
        let millis = min(999, Int64((t - Double(seconds)) * 1000))
        let totalMillis = seconds * 1000 + millis
        var days = totalMillis >= 0 ? totalMillis / 86_400_000 : (totalMillis - 86_399_999) / 86_400_000
        let msOfDay = totalMillis - days * 86_400_000
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        let h = msOfDay / 3_600_000, m = msOfDay / 60_000 % 60, sec = msOfDay / 1000 % 60, ms = msOfDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(sec, 2)).\(pad(ms, 3))Z"
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
