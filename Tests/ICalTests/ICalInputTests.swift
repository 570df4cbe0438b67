import Foundation
import Testing
import ICal
import OnCall
import TimeKit

/// Input that is not a calendar throws an error naming the problem; problems inside a calendar
/// are warnings, and the rest of it still imports.
@Suite struct ICalInputTests {
    static let notComplete = "iCal import: not iCalendar (libical found no complete BEGIN…END component)"

    /// (input, expected error description)
    static let invalid: [(String, String)] = [
        ("", "iCal import: the input is empty"),
        ("  \r\n\t ", "iCal import: the input is empty"),
        ("hello world", notComplete),
        ("<!DOCTYPE html><html><body>Sign in to continue</body></html>", notComplete),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:t\r\nSUMMARY:alice\r\nDTSTART:20260501T090000Z\r\n", notComplete),
        ("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n", "iCal import: no VCALENDAR in the input (found VEVENT)"),
    ]

    @Test(arguments: invalid)
    func invalidInputThrows(_ row: (String, String)) {
        do {
            let result = try ICalImport.shifts(
                ics: row.0, from: Fx.utc("2026-01-01T00:00:00Z"), to: Fx.utc("2027-01-01T00:00:00Z"),
                people: Fx.people, defaultZone: Fx.zone("UTC"))
            Issue.record("no error for \(row.0.debugDescription): \(result)")
        } catch {
            #expect(error.description == row.1)
            #expect(error.isEmpty == row.1.hasSuffix("empty"))
            #expect(error.isNotCalendar == !row.1.hasSuffix("empty"))
        }
    }

    /// (calendar body, expected shifts, expected warnings, why)
    static let warned: [(String, [String], [String], String)] = [
        (
            """
            BEGIN:VEVENT
            UID:bad-start
            SUMMARY:alice
            DTSTART:notatime
            DTEND:20260501T100000Z
            END:VEVENT
            BEGIN:VEVENT
            UID:good
            SUMMARY:bob
            DTSTART:20260502T090000Z
            DTEND:20260502T100000Z
            END:VEVENT
            """, ["bob 2026-05-02T09:00:00Z 2026-05-02T10:00:00Z"],
            [
                "libical: Can't parse as DATE-TIME value in DTSTART property. Removing entire property: notatime",
                "event bad-start: no DTSTART, skipped",
            ], "a malformed DTSTART skips its event only"
        ),
        (
            """
            BEGIN:VEVENT
            UID:bad-rule
            SUMMARY:alice
            DTSTART:20260501T090000Z
            DTEND:20260501T100000Z
            RRULE:FREQ=SOMETIMES;COUNT=3
            END:VEVENT
            """, ["alice 2026-05-01T09:00:00Z 2026-05-01T10:00:00Z"],
            [
                "libical: Can't parse as RECUR value in RRULE property. Removing entire property: FREQ=SOMETIMES;COUNT=3"
            ], "a malformed RRULE leaves DTSTART"
        ),
        (
            """
            X-WR-TIMEZONE:Atlantis/Capital
            BEGIN:VEVENT
            UID:floating
            SUMMARY:alice
            DTSTART:20260501T090000
            DTEND:20260501T100000
            END:VEVENT
            """, ["alice 2026-05-01T07:00:00Z 2026-05-01T08:00:00Z"],
            [
                "X-WR-TIMEZONE \"Atlantis/Capital\" is not a known zone; floating times use Europe/Berlin"
            ], "an unknown X-WR-TIMEZONE falls back to the default zone"
        ),
        (
            """
            BEGIN:VEVENT
            UID:zero
            SUMMARY:alice
            DTSTART:20260501T090000Z
            END:VEVENT
            """, [], ["event zero \"alice\": occurrences that do not end after they start, skipped"],
            "a date-time event without DTEND or DURATION takes no time"
        ),
    ]

    @Test(arguments: warned)
    func problemsInsideACalendarAreWarnings(_ row: (String, [String], [String], String)) throws {
        let result = try Fx.importing(row.0, zone: "Europe/Berlin")
        #expect(Fx.plain(result.shifts) == row.1, "\(row.3)")
        #expect(result.warnings == row.2, "\(row.3)")
    }

    /// Several VCALENDARs in one text (libical wraps them in an XROOT) all count.
    @Test func severalCalendars() throws {
        let text =
            Fx.calendar("BEGIN:VEVENT\nUID:a\nSUMMARY:alice\nDTSTART:20260501T090000Z\nDURATION:PT1H\nEND:VEVENT")
            + Fx.calendar("BEGIN:VEVENT\nUID:b\nSUMMARY:bob\nDTSTART:20260501T100000Z\nDURATION:PT1H\nEND:VEVENT")
        let result = try ICalImport.shifts(
            ics: text, from: Fx.utc("2026-01-01T00:00:00Z"), to: Fx.utc("2027-01-01T00:00:00Z"),
            people: Fx.people, defaultZone: Fx.zone("UTC"))
        #expect(
            Fx.plain(result.shifts) == [
                "alice 2026-05-01T09:00:00Z 2026-05-01T10:00:00Z",
                "bob 2026-05-01T10:00:00Z 2026-05-01T11:00:00Z",
            ])
    }
}
