import Foundation
import Testing
import ICal
import OnCall
import TimeKit

/// Import rules, one calendar per row; every instant is asserted exactly, in UTC.
@Suite struct ICalImportTests {
    static let cases: [ImportCase] = [
        ImportCase(
            name: "RRULE with COUNT and EXDATE, Berlin across the spring change",
            body: """
                BEGIN:VEVENT
                UID:daily-1
                SUMMARY:alice
                DTSTART;TZID=Europe/Berlin:20260327T090000
                DTEND;TZID=Europe/Berlin:20260327T210000
                RRULE:FREQ=DAILY;COUNT=4
                EXDATE;TZID=Europe/Berlin:20260328T090000
                END:VEVENT
                """,
            shifts: [
                "alice 2026-03-27T08:00:00Z 2026-03-27T20:00:00Z",
                "alice 2026-03-29T07:00:00Z 2026-03-29T19:00:00Z",
                "alice 2026-03-30T07:00:00Z 2026-03-30T19:00:00Z",
            ]),
        ImportCase(
            name: "DTEND keeps the wall-clock end across DST; DURATION hours are elapsed time",
            body: """
                BEGIN:VEVENT
                UID:weekend-dtend
                SUMMARY:carol
                DTSTART;TZID=Europe/Berlin:20260320T180000
                DTEND;TZID=Europe/Berlin:20260323T090000
                RRULE:FREQ=WEEKLY;COUNT=2
                END:VEVENT
                BEGIN:VEVENT
                UID:weekend-duration
                SUMMARY:dave
                DTSTART;TZID=Europe/Berlin:20260320T180000
                DURATION:PT63H
                RRULE:FREQ=WEEKLY;COUNT=2
                END:VEVENT
                """,
            shifts: [
                "carol 2026-03-20T17:00:00Z 2026-03-23T08:00:00Z",
                "dave 2026-03-20T17:00:00Z 2026-03-23T08:00:00Z",
                "carol 2026-03-27T17:00:00Z 2026-03-30T07:00:00Z",
                "dave 2026-03-27T17:00:00Z 2026-03-30T08:00:00Z",
            ]),
        ImportCase(
            name: "Windows zone with a UTC UNTIL (inclusive, compared as instants)",
            body: """
                BEGIN:VEVENT
                UID:weekly-cst
                SUMMARY:bob
                DTSTART;TZID=China Standard Time:20260302T090000
                DTEND;TZID=China Standard Time:20260302T180000
                RRULE:FREQ=WEEKLY;UNTIL=20260316T010000Z
                END:VEVENT
                """,
            shifts: [
                "bob 2026-03-02T01:00:00Z 2026-03-02T10:00:00Z",
                "bob 2026-03-09T01:00:00Z 2026-03-09T10:00:00Z",
                "bob 2026-03-16T01:00:00Z 2026-03-16T10:00:00Z",
            ]),
        ImportCase(
            name: "a moved instance (RECURRENCE-ID, listed before its series) replaces its occurrence",
            body: """
                BEGIN:VEVENT
                UID:weekly-1
                RECURRENCE-ID;TZID=Europe/Berlin:20260112T090000
                SUMMARY:Bob Builder
                DTSTART;TZID=Europe/Berlin:20260113T100000
                DTEND;TZID=Europe/Berlin:20260113T180000
                END:VEVENT
                BEGIN:VEVENT
                UID:weekly-1
                SUMMARY:alice
                DTSTART;TZID=Europe/Berlin:20260105T090000
                DTEND;TZID=Europe/Berlin:20260105T170000
                RRULE:FREQ=WEEKLY;COUNT=4
                END:VEVENT
                """,
            shifts: [
                "alice 2026-01-05T08:00:00Z 2026-01-05T16:00:00Z",
                "bob 2026-01-13T09:00:00Z 2026-01-13T17:00:00Z",
                "alice 2026-01-19T08:00:00Z 2026-01-19T16:00:00Z",
                "alice 2026-01-26T08:00:00Z 2026-01-26T16:00:00Z",
            ]),
        ImportCase(
            name: "a cancelled instance (RECURRENCE-ID in UTC) removes its occurrence",
            body: """
                BEGIN:VEVENT
                UID:weekly-2
                SUMMARY:alice
                DTSTART;TZID=Europe/Berlin:20260105T090000
                DTEND;TZID=Europe/Berlin:20260105T170000
                RRULE:FREQ=WEEKLY;COUNT=4
                END:VEVENT
                BEGIN:VEVENT
                UID:weekly-2
                RECURRENCE-ID:20260119T080000Z
                STATUS:CANCELLED
                SUMMARY:alice
                DTSTART;TZID=Europe/Berlin:20260119T090000
                DTEND;TZID=Europe/Berlin:20260119T170000
                END:VEVENT
                """,
            shifts: [
                "alice 2026-01-05T08:00:00Z 2026-01-05T16:00:00Z",
                "alice 2026-01-12T08:00:00Z 2026-01-12T16:00:00Z",
                "alice 2026-01-26T08:00:00Z 2026-01-26T16:00:00Z",
            ]),
        ImportCase(
            name: "cancelled event and cancelled series (with its moved instance) are skipped",
            body: """
                BEGIN:VEVENT
                UID:gone-1
                SUMMARY:alice
                STATUS:CANCELLED
                DTSTART:20260201T090000Z
                DTEND:20260201T170000Z
                END:VEVENT
                BEGIN:VEVENT
                UID:gone-2
                SUMMARY:bob
                STATUS:CANCELLED
                DTSTART:20260202T090000Z
                DTEND:20260202T170000Z
                RRULE:FREQ=DAILY;COUNT=3
                END:VEVENT
                BEGIN:VEVENT
                UID:gone-2
                RECURRENCE-ID:20260203T090000Z
                SUMMARY:bob
                DTSTART:20260203T100000Z
                DTEND:20260203T180000Z
                END:VEVENT
                BEGIN:VEVENT
                UID:kept
                SUMMARY:carol
                STATUS:CONFIRMED
                DTSTART:20260204T090000Z
                DTEND:20260204T170000Z
                END:VEVENT
                """, shifts: ["carol 2026-02-04T09:00:00Z 2026-02-04T17:00:00Z"]),
        ImportCase(
            name: "floating times in X-WR-TIMEZONE Europe/Berlin across the spring change",
            body: """
                X-WR-TIMEZONE:Europe/Berlin
                BEGIN:VEVENT
                UID:float-day
                SUMMARY:alice
                DTSTART:20260327T090000
                DTEND:20260327T170000
                RRULE:FREQ=DAILY;COUNT=3
                END:VEVENT
                BEGIN:VEVENT
                UID:float-night
                SUMMARY:bob
                DTSTART:20260328T200000
                DTEND:20260329T080000
                END:VEVENT
                """, zone: "Asia/Tokyo",
            shifts: [
                "alice 2026-03-27T08:00:00Z 2026-03-27T16:00:00Z",
                "alice 2026-03-28T08:00:00Z 2026-03-28T16:00:00Z",
                "bob 2026-03-28T19:00:00Z 2026-03-29T06:00:00Z",
                "alice 2026-03-29T07:00:00Z 2026-03-29T15:00:00Z",
            ]),
        ImportCase(
            name: "floating times without X-WR-TIMEZONE use the default zone (New York, spring change)",
            body: """
                BEGIN:VEVENT
                UID:float-ny
                SUMMARY:dave
                DTSTART:20260307T090000
                DTEND:20260307T170000
                RRULE:FREQ=DAILY;COUNT=2
                END:VEVENT
                """, zone: "America/New_York",
            shifts: [
                "dave 2026-03-07T14:00:00Z 2026-03-07T22:00:00Z",
                "dave 2026-03-08T13:00:00Z 2026-03-08T21:00:00Z",
            ]),
        ImportCase(
            name: "all-day events span their days in the calendar's zone",
            body: """
                X-WR-TIMEZONE:Asia/Shanghai
                BEGIN:VEVENT
                UID:allday-1
                SUMMARY:alice
                DTSTART;VALUE=DATE:20260401
                DTEND;VALUE=DATE:20260403
                END:VEVENT
                BEGIN:VEVENT
                UID:allday-2
                SUMMARY:bob
                DTSTART;VALUE=DATE:20260406
                RRULE:FREQ=WEEKLY;COUNT=2
                END:VEVENT
                """,
            shifts: [
                "alice 2026-03-31T16:00:00Z 2026-04-02T16:00:00Z",
                "bob 2026-04-05T16:00:00Z 2026-04-06T16:00:00Z",
                "bob 2026-04-12T16:00:00Z 2026-04-13T16:00:00Z",
            ]),
        ImportCase(
            name: "an all-day event across the Berlin spring change lasts 47 hours",
            body: """
                BEGIN:VEVENT
                UID:allday-dst
                SUMMARY:carol
                DTSTART;VALUE=DATE:20260328
                DTEND;VALUE=DATE:20260330
                END:VEVENT
                """, zone: "Europe/Berlin", shifts: ["carol 2026-03-27T23:00:00Z 2026-03-29T22:00:00Z"]),
        ImportCase(
            name: "RDATE adds occurrences, EXDATE removes one of them",
            body: """
                BEGIN:VEVENT
                UID:rdate
                SUMMARY:alice
                DTSTART:20260504T090000Z
                DTEND:20260504T100000Z
                RDATE:20260506T090000Z,20260508T090000Z
                EXDATE:20260506T090000Z
                END:VEVENT
                """,
            shifts: [
                "alice 2026-05-04T09:00:00Z 2026-05-04T10:00:00Z",
                "alice 2026-05-08T09:00:00Z 2026-05-08T10:00:00Z",
            ]),
        ImportCase(
            name: "an endless rule gives the occurrences overlapping the window, whole",
            body: """
                BEGIN:VEVENT
                UID:endless
                SUMMARY:alice
                DTSTART:20200601T000000Z
                DTEND:20200601T120000Z
                RRULE:FREQ=DAILY
                END:VEVENT
                """, from: "2026-06-10T06:00:00Z", to: "2026-06-12T00:00:00Z",
            shifts: [
                "alice 2026-06-10T00:00:00Z 2026-06-10T12:00:00Z",
                "alice 2026-06-11T00:00:00Z 2026-06-11T12:00:00Z",
            ]),
        ImportCase(
            name: "a TZID defined only by the calendar's VTIMEZONE is read by libical",
            body: """
                BEGIN:VTIMEZONE
                TZID:Klaxon Office Time
                BEGIN:DAYLIGHT
                TZOFFSETFROM:+0100
                TZOFFSETTO:+0200
                DTSTART:19700329T020000
                RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
                END:DAYLIGHT
                BEGIN:STANDARD
                TZOFFSETFROM:+0200
                TZOFFSETTO:+0100
                DTSTART:19701025T030000
                RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
                END:STANDARD
                END:VTIMEZONE
                BEGIN:VEVENT
                UID:office
                SUMMARY:bob
                DTSTART;TZID=Klaxon Office Time:20260115T090000
                DTEND;TZID=Klaxon Office Time:20260115T170000
                RDATE;TZID=Klaxon Office Time:20260701T090000
                END:VEVENT
                """,
            shifts: [
                "bob 2026-01-15T08:00:00Z 2026-01-15T16:00:00Z",
                "bob 2026-07-01T07:00:00Z 2026-07-01T15:00:00Z",
            ]),
        ImportCase(
            name: "an unknown TZID is read in the calendar's zone, with a warning",
            body: """
                BEGIN:VEVENT
                UID:mars
                SUMMARY:alice
                DTSTART;TZID=Mars/Olympus_Mons:20260701T090000
                DTEND;TZID=Mars/Olympus_Mons:20260701T100000
                END:VEVENT
                """, zone: "Europe/Berlin", shifts: ["alice 2026-07-01T07:00:00Z 2026-07-01T08:00:00Z"],
            warnings: ["TZID \"Mars/Olympus_Mons\""]),
    ]

    @Test(arguments: cases)
    func imports(_ c: ImportCase) throws {
        let result = try Fx.importing(c.body, from: c.from, to: c.to, zone: c.zone)
        #expect(Fx.plain(result.shifts) == c.shifts)
        #expect(result.warnings.count == c.warnings.count, "\(result.warnings)")
        for w in c.warnings {
            #expect(result.warnings.contains { $0.contains(w) }, "no warning with \(w) in \(result.warnings)")
        }
    }
}
