import Foundation
import TimeKit

/// Times as a reader reads them: `Mon 2026-03-30 10:00 CST`, in the reader's zone, and
/// durations as `12 h` or `3 d 4 h`. Caches one `ZoneClock` per zone identifier.
struct TimeText {
    private var clocks: [String: ZoneClock] = [:]
    private static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    mutating func format(_ date: Date, zone identifier: String) -> String {
        let zone = TimeZone(identifier: identifier) ?? .gmt
        let clock: ZoneClock
        if let c = clocks[identifier] {
            clock = c
        } else {
            clock = ZoneClock(timeZone: zone)
            clocks[identifier] = clock
        }
        let local = clock.localSeconds(of: date)
        let day = LocalDate(daysSinceEpoch: ZoneClock.floorDiv(local, 86_400))
        let second = local - day.daysSinceEpoch * 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let name = Self.days[day.weekday.rawValue - 1]
        let abbreviation = ZoneAbbreviation.abbreviation(of: zone, named: identifier, at: date)
        return "\(name) \(day) \(two(second / 3600)):\(two(second / 60 % 60)) \(abbreviation)"
    }

    static func duration(_ seconds: Int) -> String {
        let hours = (seconds + 1799) / 3600
        if hours < 1 { return "\(max(1, seconds / 60)) min" }
        if hours < 48 { return "\(hours) h" }
        return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
    }
}
