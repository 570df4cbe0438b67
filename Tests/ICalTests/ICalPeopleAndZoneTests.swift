import Foundation
import Testing
@testable import ICal
import OnCall
import TimeKit

/// Who an event names, and Windows zone names read as their IANA zones.
@Suite struct ICalPeopleAndZoneTests {
    /// (SUMMARY and ATTENDEE lines, expected person or nil, why)
    static let naming: [(String, String?, String)] = [
        ("SUMMARY:alice", "alice", "person id"),
        ("SUMMARY:bob builder", "bob", "name, other case"),
        ("SUMMARY: CAROL@example.COM ", "carol", "e-mail, other case, spaces"),
        ("SUMMARY:[L1] Dave Doe", "dave", "[L1] level prefix stripped"),
        ("SUMMARY:On call: Alice Archer (primary (EU))", "alice", "Klaxon export summary"),
        ("SUMMARY:Primary on-call\nATTENDEE;CN=Bob:mailto:BOB@example.com", "bob", "ATTENDEE fallback"),
        ("ATTENDEE:mailto:dave@example.com", "dave", "ATTENDEE without SUMMARY"),
        ("SUMMARY:carol\nATTENDEE:mailto:dave@example.com", "carol", "SUMMARY wins over ATTENDEE"),
        ("SUMMARY:Alice Archer and Bob", nil, "no exact match"),
        ("SUMMARY:Nobody Here\nATTENDEE:mailto:zed@example.com", nil, "unknown attendee"),
        ("SUMMARY:[X1] alice", nil, "only [L<digits>] is a level prefix"),
    ]

    @Test(arguments: naming)
    func eventNamesItsPerson(_ row: (String, String?, String)) throws {
        let result = try Fx.importing(
            """
            BEGIN:VEVENT
            UID:who
            \(row.0)
            DTSTART:20260501T090000Z
            DTEND:20260501T100000Z
            END:VEVENT
            """)
        if let person = row.1 {
            #expect(Fx.plain(result.shifts) == ["\(person) 2026-05-01T09:00:00Z 2026-05-01T10:00:00Z"], "\(row.2)")
            #expect(result.warnings.isEmpty, "\(row.2): \(result.warnings)")
        } else {
            #expect(result.shifts.isEmpty, "\(row.2)")
            #expect(result.warnings.count == 1, "\(row.2): \(result.warnings)")
            #expect(result.warnings.first?.hasPrefix("event who") == true, "\(row.2): \(result.warnings)")
            #expect(result.warnings.first?.hasSuffix("names nobody known (SUMMARY, ATTENDEE), skipped") == true, "\(row.2)")
        }
    }

    /// (TZID as written, local start, expected UTC start): each event lasts one hour.
    static let zones: [(String, String, String)] = [
        ("China Standard Time", "20260701T090000", "2026-07-01T01:00:00Z"),
        ("\"China Standard Time\"", "20260101T090000", "2026-01-01T01:00:00Z"),
        ("W. Europe Standard Time", "20260115T090000", "2026-01-15T08:00:00Z"),
        ("W. Europe Standard Time", "20260701T090000", "2026-07-01T07:00:00Z"),
        ("Eastern Standard Time", "20260115T090000", "2026-01-15T14:00:00Z"),
        ("Eastern Standard Time", "20260701T090000", "2026-07-01T13:00:00Z"),
        ("Pacific Standard Time", "20260701T090000", "2026-07-01T16:00:00Z"),
        ("GMT Standard Time", "20260115T090000", "2026-01-15T09:00:00Z"),
        ("GMT Standard Time", "20260701T090000", "2026-07-01T08:00:00Z"),
        ("Tokyo Standard Time", "20260701T090000", "2026-07-01T00:00:00Z"),
        ("Russian Standard Time", "20260701T090000", "2026-07-01T06:00:00Z"),
        ("India Standard Time", "20260701T090000", "2026-07-01T03:30:00Z"),
        ("AUS Eastern Standard Time", "20260115T090000", "2026-01-14T22:00:00Z"),
        ("Europe/Berlin", "20260701T090000", "2026-07-01T07:00:00Z"),
        ("/mozilla.org/20050126_1/Europe/Berlin", "20260115T090000", "2026-01-15T08:00:00Z"),
        ("/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires", "20260701T090000", "2026-07-01T12:00:00Z"),
    ]

    @Test(arguments: zones)
    func zoneNameResolves(_ row: (String, String, String)) throws {
        let result = try Fx.importing(
            """
            BEGIN:VEVENT
            UID:tz
            SUMMARY:alice
            DTSTART;TZID=\(row.0):\(row.1)
            DURATION:PT1H
            END:VEVENT
            """, zone: "America/Los_Angeles")
        let start = Fx.utc(row.2)
        #expect(result.shifts == [FixedShift("alice", from: start, to: start.addingTimeInterval(3600))], "\(row.0)")
        #expect(result.warnings.isEmpty, "\(row.0): \(result.warnings)")
    }

    /// Every IANA zone of the Windows table exists in this Foundation's tzdata, and Windows names
    /// are unique ignoring case.
    @Test func windowsTableResolves() {
        for (windows, iana) in WindowsZones.table {
            #expect(TimeZone(identifier: iana) != nil, "\(windows) → \(iana)")
        }
        #expect(Set(WindowsZones.table.map { $0.0.lowercased() }).count == WindowsZones.table.count)
        #expect(WindowsZones.table.count >= 130)
    }
}
