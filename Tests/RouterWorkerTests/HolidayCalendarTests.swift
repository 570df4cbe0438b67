import AlertCore
import Foundation
import ICal
import OnCall
import OnCallRuntime
import Testing
import TimeKit
import WorkerKit
import YAMLConfig

/// A layer's `exclude_calendar`: the days of a public-holiday calendar (China's National Day
/// week, a make-up workday is an ordinary day) take the layer off; an unreadable calendar keeps
/// the last good dates.
@Suite struct HolidayCalendarTests {
    static let holidays = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Klaxon tests//EN
        X-WR-TIMEZONE:Asia/Shanghai
        BEGIN:VEVENT
        UID:national-day-2026@example.com
        DTSTART;VALUE=DATE:20261001
        DTEND;VALUE=DATE:20261008
        SUMMARY:国庆节
        END:VEVENT
        BEGIN:VEVENT
        UID:mid-autumn-2026@example.com
        DTSTART;VALUE=DATE:20260925
        DTEND;VALUE=DATE:20260926
        SUMMARY:中秋节
        STATUS:CANCELLED
        END:VEVENT
        END:VCALENDAR
        """.replacingOccurrences(of: "\n", with: "\r\n")

    @Test func datesOfAHolidayCalendarSpanTheirDaysAndSkipCancelledOnes() throws {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let dates = try ICalImport.dates(
            ics: Self.holidays, from: Timestamps.parse("2026-09-01T00:00:00Z")!,
            to: Timestamps.parse("2026-12-01T00:00:00Z")!, zone: zone)
        #expect(dates == Set((1...7).map { LocalDate(2026, 10, $0) }))
    }

    @Test func aHolidayCalendarTakesTheLayerOffAndABrokenOneKeepsTheLastDates() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("holidays-\(UUID().uuidString.prefix(8)).ics")
        try Self.holidays.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try ConfigLoader.parse(
            """
            people:
              - {id: li, name: Li, email: li@example.com, contact_rules: {default: [email]}}
            schedules:
              - name: workdays
                time_zone: Asia/Shanghai
                layers:
                  - rotation: {people: [li], start: 2026-01-05, handoff: "09:00", every: 1d, days: [mon, tue, wed, thu, fri], hours: "09:00-18:00"}
                    exclude_calendar: \(file.path)
            """, environment: [:])
        let inHoliday = Timestamps.parse("2026-10-02T10:00:00+08:00")!  // a Friday of the National Day week
        let ordinary = Timestamps.parse("2026-10-09T10:00:00+08:00")!
        let cache = RosterCache(
            config: config, store: nil, logger: Logger(process: "test", minimum: .error), metrics: Metrics(),
            calendarRefreshSeconds: 0, now: { inHoliday })
        #expect(cache.roster.onCall("workdays", at: inHoliday) == ["li"], "before the calendar is read, the layer applies")
        await cache.refresh()
        #expect(cache.roster.onCall("workdays", at: inHoliday) == [], "a holiday: nobody (the route's fallback is paged)")
        #expect(cache.roster.onCall("workdays", at: ordinary) == ["li"])
        try "<html>not a calendar</html>".write(to: file, atomically: true, encoding: .utf8)
        await cache.refresh()
        #expect(cache.roster.onCall("workdays", at: inHoliday) == [], "the last good dates stay")
    }
}
