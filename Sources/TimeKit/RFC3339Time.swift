import Foundation

/// An instant read from an RFC 3339 timestamp, printable in any time zone. Pure arithmetic on
/// the proleptic Gregorian calendar, to the millisecond; fractions of a second are dropped when
/// printing for people. The one place Klaxon reads and does calendar arithmetic on RFC 3339
/// times: AlertCore's `Timestamps` parses and formats through it too.
public struct RFC3339Time: Sendable, Hashable {
    /// Whole seconds since 1970-01-01T00:00:00Z (floored).
    public let secondsSinceEpoch: Int64
    /// The fraction of the second, truncated to milliseconds (0...999).
    public let milliseconds: Int

    /// The instant of `date`, to the millisecond (floored).
    public init(_ date: Date) {
        let t = date.timeIntervalSince1970
        secondsSinceEpoch = Int64(t.rounded(.down))
        milliseconds = min(999, Int((t - Double(secondsSinceEpoch)) * 1000))
    }

    /// The instant as a `Date`, half a microsecond into its millisecond: at the edge, the nearest
    /// `Double` may fall just below it (x.123 stored as x.12299…), and formatting, which truncates
    /// as Foundation does, would print the millisecond before.
    public var date: Date { Date(timeIntervalSince1970: Double(secondsSinceEpoch) + (Double(milliseconds) + 0.0005) / 1000) }

    /// The instant as a `Date` exactly at the start of its millisecond (whole seconds are exact),
    /// for schedules: an override or shift edge read from text must coincide with a hand-off
    /// computed by arithmetic, or a sliver of a shift appears between them. Print with `date`.
    public var instant: Date { Date(timeIntervalSince1970: Double(secondsSinceEpoch) + Double(milliseconds) / 1000) }

    /// Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`; `t`, `z` and a space for `T` are
    /// accepted as RFC 3339 allows. Returns `nil` for anything else, including impossible dates.
    public init?(_ text: String) {
        var reader = DigitReader(bytes: Array(text.utf8))
        guard let year = reader.number(4), reader.skip("-"),
            let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2), reader.skip(any: "Tt "),
            let hour = reader.number(2), reader.skip(":"),
            let minute = reader.number(2), reader.skip(":"),
            let second = reader.number(2)
        else { return nil }
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var millis = 0
        if reader.skip(".") {
            // Any number of digits (sources send up to nanoseconds); the first three count.
            guard let digits = reader.digits() else { return nil }
            for i in 0..<3 { millis = millis * 10 + (i < digits.count ? Int(digits[digits.startIndex + i] - UInt8(ascii: "0")) : 0) }
        }
        var offset = 0
        if reader.skip(any: "Zz") {
            offset = 0
        } else if let sign = reader.sign(), let offsetHours = reader.number(2), reader.skip(":"),
            let offsetMinutes = reader.number(2), offsetHours < 24, offsetMinutes < 60
        {
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        let days = Self.days(year: year, month: month, day: day)
        // A leap second (:60) is printed as the following second.
        secondsSinceEpoch = days * 86400 + Int64(hour * 3600 + minute * 60 + second - offset)
        milliseconds = millis
    }

    /// `2026-01-02T06:30:12.123Z`: `date` in UTC with milliseconds, the fraction truncated as
    /// Foundation's `ISO8601FormatStyle` does (scaling the whole time by 1000 first would round
    /// x.508999… up to .509). Foundation's own formatter reads /etc/localtime on every call.
    public static func utcString(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let seconds = Int64(t.rounded(.down))
        let millis = min(999, Int((t - Double(seconds)) * 1000))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = Int(seconds - days * 86400)
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    /// `2026-01-02 08:30:12 CST`: wall-clock time in `zone` and the zone's abbreviation.
    /// `identifier` is the name the zone was requested by, used to find the abbreviation.
    public func formatted(in zone: TimeZone, named identifier: String) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch))
        let local = secondsSinceEpoch + Int64(zone.secondsFromGMT(for: date))
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let secondOfDay = Int(local - days * 86400)
        let (year, month, day) = Self.civil(fromDays: days)
        let abbreviation = ZoneAbbreviation.abbreviation(of: zone, named: identifier, at: date)
        let calendarDate = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
        let time = [secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60].map { Self.pad($0, 2) }
        return "\(calendarDate) \(time.joined(separator: ":")) \(abbreviation)"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    private static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The inverse of ``days(year:month:day:)`` (H. Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        return (Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Reads fixed-width ASCII fields from UTF-8 bytes.
private struct DigitReader {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    /// Exactly `width` decimal digits.
    mutating func number(_ width: Int) -> Int? {
        guard index + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + width] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }

    /// One or more digits, as ASCII bytes; `nil` when there is none.
    mutating func digits() -> ArraySlice<UInt8>? {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            index += 1
        }
        return index > start ? bytes[start..<index] : nil
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        skip(any: String(character))
    }

    mutating func skip(any characters: String) -> Bool {
        guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
        index += 1
        return true
    }

    /// `+` is 1, `-` is -1.
    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
