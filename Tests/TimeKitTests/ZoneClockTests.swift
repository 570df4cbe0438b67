import Foundation
import Testing
import TestSupport
import TimeKit

/// Wall time → instant by the DST rule, and the transition table against Foundation.
@Suite struct ZoneClockTests {
    /// (zone, local date, local time, expected UTC instant, why)
    static let resolutions: [(String, String, String, String, String)] = [
        // Europe/Berlin: spring forward 2026-03-29 02:00 CET → 03:00 CEST (01:00Z).
        ("Europe/Berlin", "2026-03-28", "09:00", "2026-03-28T08:00:00Z", "CET before the change"),
        ("Europe/Berlin", "2026-03-29", "09:00", "2026-03-29T07:00:00Z", "CEST on the change day"),
        ("Europe/Berlin", "2026-03-30", "09:00", "2026-03-30T07:00:00Z", "CEST after"),
        ("Europe/Berlin", "2026-03-29", "02:30", "2026-03-29T01:30:00Z", "skipped: 03:30 CEST"),
        ("Europe/Berlin", "2026-03-29", "02:00", "2026-03-29T01:00:00Z", "skipped gap start: 03:00 CEST"),
        ("Europe/Berlin", "2026-03-29", "01:59", "2026-03-29T00:59:00Z", "last minute before the gap"),
        ("Europe/Berlin", "2026-03-29", "03:00", "2026-03-29T01:00:00Z", "first minute after the gap"),
        // Fall back 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
        ("Europe/Berlin", "2026-10-24", "09:00", "2026-10-24T07:00:00Z", "CEST before"),
        ("Europe/Berlin", "2026-10-25", "09:00", "2026-10-25T08:00:00Z", "CET on the change day"),
        ("Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:30:00Z", "repeated: first occurrence (CEST)"),
        ("Europe/Berlin", "2026-10-25", "02:00", "2026-10-25T00:00:00Z", "repeated hour start: first occurrence"),
        ("Europe/Berlin", "2026-10-25", "03:00", "2026-10-25T02:00:00Z", "after the repeat: CET"),
        // America/New_York: spring forward 2026-03-08 02:00 EST → 03:00 EDT (07:00Z).
        ("America/New_York", "2026-03-07", "09:00", "2026-03-07T14:00:00Z", "EST"),
        ("America/New_York", "2026-03-08", "09:00", "2026-03-08T13:00:00Z", "EDT on the change day"),
        ("America/New_York", "2026-03-08", "02:30", "2026-03-08T07:30:00Z", "skipped: 03:30 EDT"),
        // Fall back 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        ("America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00Z", "repeated: first occurrence (EDT)"),
        ("America/New_York", "2026-11-01", "09:00", "2026-11-01T14:00:00Z", "EST on the change day"),
        ("America/New_York", "2026-10-31", "09:00", "2026-10-31T13:00:00Z", "EDT before"),
        // Asia/Shanghai: no DST, UTC+8 on every one of those days.
        ("Asia/Shanghai", "2026-03-29", "02:30", "2026-03-28T18:30:00Z", "no gap"),
        ("Asia/Shanghai", "2026-10-25", "02:30", "2026-10-24T18:30:00Z", "no repeat"),
        ("Asia/Shanghai", "2026-03-08", "02:30", "2026-03-07T18:30:00Z", "no gap on the US day"),
        ("Asia/Shanghai", "2026-11-01", "01:30", "2026-10-31T17:30:00Z", "no repeat on the US day"),
        // A 30-minute DST change (Lord Howe: 02:00 → 02:30 on 2026-10-04).
        ("Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-03T15:45:00Z", "skipped by 30 min: 02:45 +11"),
    ]

    @Test(arguments: resolutions)
    func wallTimeResolvesByTheRule(_ row: (String, String, String, String, String)) {
        let clock = ZoneClock(timeZone: Fx.zone(row.0))
        let got = clock.instant(of: Fx.date(row.1), at: Fx.time(row.2))
        #expect(got == Fx.utc(row.3), "\(row.0) \(row.1) \(row.2): \(row.4)")
    }

    /// The transition table gives the offsets Foundation gives, at random instants 1901–2199 and
    /// a second either side of every transition of the 2020s.
    @Test(arguments: [
        "Europe/Berlin", "America/New_York", "Asia/Shanghai", "Europe/Moscow", "Australia/Lord_Howe",
        "America/Santiago", "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Apia", "Africa/Casablanca",
    ])
    func offsetsMatchFoundation(_ id: String) {
        let tz = Fx.zone(id)
        let clock = ZoneClock(timeZone: tz)
        var rng = Fx.Rng(state: UInt64(id.utf8.count) &* 7919)
        for _ in 0..<3000 {
            let t = Int.random(in: -2_200_000_000...7_200_000_000, using: &rng)
            #expect(clock.offset(atSecond: t) == tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))), "\(id) at \(t)")
        }
        var cursor = Fx.utc("2020-01-01T00:00:00Z")
        while let next = tz.nextDaylightSavingTimeTransition(after: cursor), next < Fx.utc("2030-01-01T00:00:00Z") {
            let s = Int(next.timeIntervalSince1970)
            for t in [s - 1, s, s + 1] {
                #expect(clock.offset(atSecond: t) == tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))), "\(id) at \(t)")
            }
            cursor = next
        }
    }

    /// Random wall times read back through `Calendar`: the same wall time, or for a skipped one,
    /// the wall time moved forward by the gap (the offset change).
    @Test(arguments: ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Lord_Howe"])
    func wallTimesRoundTripThroughCalendar(_ id: String) {
        let clock = ZoneClock(timeZone: Fx.zone(id))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Fx.zone(id)
        var rng = Fx.Rng(state: 42)
        for _ in 0..<2000 {
            let local = Int.random(in: 0...4_000_000_000, using: &rng) / 60 * 60
            let instant = clock.instant(ofLocalSeconds: local)
            let date = Date(timeIntervalSince1970: Double(instant))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let back = LocalDate(c.year!, c.month!, c.day!).daysSinceEpoch * 86_400 + c.hour! * 3600 + c.minute! * 60
            let jump = clock.offset(atSecond: instant) - clock.offset(atSecond: instant - 86_400)
            #expect(back == local || back == local + jump, "\(id) local \(local) → \(date)")
            if back == local {
                // A repeated wall time must be its first occurrence: an hour (the change) earlier is not the same wall time.
                let earlier = instant - abs(jump)
                #expect(jump == 0 || clock.localSeconds(ofSecond: earlier) != local, "\(id) local \(local) not the earlier occurrence")
            }
        }
    }

    /// Day numbers and weekdays agree with `Calendar` over 1900–2200.
    @Test func localDatesMatchCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Fx.zone("UTC")
        var rng = Fx.Rng(state: 7)
        for _ in 0..<3000 {
            let days = Int.random(in: -25_000...84_000, using: &rng)
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let d = LocalDate(daysSinceEpoch: days)
            #expect((d.year, d.month, d.day) == (c.year!, c.month!, c.day!))
            #expect(d.daysSinceEpoch == days)
            #expect(d.weekday.rawValue == (c.weekday! + 5) % 7 + 1, "\(d)")  // Calendar: Sunday 1
        }
    }

    /// (text, parses)
    @Test(arguments: [
        ("2026-02-28", true), ("2026-02-29", false), ("2028-02-29", true), ("2026-13-01", false),
        ("2026-1-01", false), ("26-01-01", false), ("2026-04-31", false), ("2026-04-30", true),
    ])
    func localDateParsing(_ row: (String, Bool)) {
        #expect((LocalDate(row.0) != nil) == row.1, "\(row.0)")
        if row.1 { #expect(LocalDate(row.0)!.description == row.0) }
    }
}
