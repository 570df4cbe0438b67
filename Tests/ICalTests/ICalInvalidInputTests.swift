import Foundation
import Testing
import ICal
import OnCall

/// Input that is not a calendar throws an error naming the problem.
@Suite struct ICalInvalidInputTests {
    /// (input, expected error description)
    static let inputs: [(String, String)] = [
        ("", "iCal import: the input is empty"),
        ("  \r\n\t ", "iCal import: the input is empty"),
        ("hello world", "iCal import: not iCalendar (libical found no BEGIN:VCALENDAR)"),
        ("<!DOCTYPE html><html><body>Sign in to continue</body></html>", "iCal import: not iCalendar (libical found no BEGIN:VCALENDAR)"),
        ("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n", "iCal import: no VCALENDAR in the input (found VEVENT)"),
    ]

    @Test(arguments: inputs)
    func invalidInputThrows(_ row: (String, String)) {
        do {
            let result = try ICalImport.shifts(ics: row.0, from: Fx.utc("2026-01-01T00:00:00Z"), to: Fx.utc("2027-01-01T00:00:00Z"),
                                               people: Fx.people, defaultZone: Fx.zone("UTC"))
            Issue.record("no error for \(row.0.debugDescription): \(result)")
        } catch {
            #expect(error.description == row.1)
        }
    }
}
