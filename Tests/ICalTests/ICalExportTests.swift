import Foundation
import Testing
import ICal
import OnCall
import TimeKit

/// Export: one VEVENT per shift in UTC, built by libical, and it imports back to the same shifts.
@Suite struct ICalExportTests {
    /// Erin has no e-mail and is known by id only in summaries.
    static let people = Fx.people + [Person(id: "erin", name: "Erin", email: nil)]

    /// Berlin daily rotation across the spring change, plus an override that adds Erin.
    static func schedule(_ name: String) -> Schedule {
        let rotation = Rotation(people: ["alice", "bob", "erin"], startDate: LocalDate(2026, 3, 27), handoff: LocalTime(9), frequency: .daily)
        return Schedule(
            name: name, timeZone: Fx.zone("Europe/Berlin"), layers: [.rotation(rotation)],
            overrides: [
                .add(id: "ov-1", "carol", from: Fx.utc("2026-03-29T12:00:00Z"), to: Fx.utc("2026-03-29T18:30:00Z"))
            ])
    }

    static let from = Fx.utc("2026-03-27T08:00:00Z")
    static let to = Fx.utc("2026-03-31T07:00:00Z")

    /// The round trip, for schedule names that need iCalendar escaping too.
    @Test(arguments: ["primary", "ops, EU; night (L2)"])
    func exportThenImportGivesTheSameShifts(_ name: String) throws {
        let shifts = Self.schedule(name).shifts(from: Self.from, to: Self.to)
        #expect(shifts.count == 5)
        let ics = ICalExport.calendar(name: name, shifts: shifts, people: Self.people, stamp: Fx.utc("2026-03-01T00:00:00Z"))
        let back = try ICalImport.shifts(ics: ics, from: Self.from, to: Self.to, people: Self.people, defaultZone: Fx.zone("Asia/Tokyo"))
        let expected = shifts.map { FixedShift($0.personID, from: $0.start, to: $0.end) }
            .sorted { ($0.start, $0.end, $0.person) < ($1.start, $1.end, $1.person) }
        #expect(Fx.plain(back.shifts) == Fx.plain(expected))
        let hand: [String] = [
            "alice 2026-03-27T08:00:00Z 2026-03-28T08:00:00Z",
            "bob 2026-03-28T08:00:00Z 2026-03-29T07:00:00Z",
            "erin 2026-03-29T07:00:00Z 2026-03-30T07:00:00Z",
            "carol 2026-03-29T12:00:00Z 2026-03-29T18:30:00Z",
            "alice 2026-03-30T07:00:00Z 2026-03-31T07:00:00Z",
        ]
        #expect(Fx.plain(back.shifts) == hand)
        #expect(back.warnings.isEmpty, "\(back.warnings)")
    }

    /// The lines libical writes for one shift: UID, UTC times, summary, attendee, escaping.
    @Test func exportedEventLines() {
        let shifts = Self.schedule("ops, EU").shifts(from: Self.from, to: Self.to)
        let ics = ICalExport.calendar(name: "ops, EU", shifts: shifts, people: Self.people, stamp: Fx.utc("2026-03-01T00:00:00Z"))
        let lines = ics.components(separatedBy: "\r\n")
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == shifts.count)
        for expected in [
            "VERSION:2.0", "PRODID:-//Klaxon//OnCall//EN", "METHOD:PUBLISH", "X-WR-CALNAME:ops, EU",
            "UID:ops\\, EU/alice/20260327T080000Z@klaxon", "DTSTAMP:20260301T000000Z",
            "DTSTART:20260327T080000Z", "DTEND:20260328T080000Z", "SUMMARY:On call: Alice Archer (ops\\, EU)",
            "ATTENDEE;CN=Alice Archer:mailto:alice@example.com", "SUMMARY:On call: Erin (ops\\, EU)",
            "DTSTART:20260329T070000Z", "DTEND:20260330T070000Z",
        ] {
            #expect(lines.contains(expected), "missing \(expected) in\n\(ics)")
        }
        // The same shift keeps its UID from one export to the next.
        #expect(ICalExport.uid(schedule: "s", shift: shifts[0]) == ICalExport.uid(schedule: "s", shift: shifts[0]))
        #expect(ICalExport.uid(schedule: "s", shift: shifts[0]) != ICalExport.uid(schedule: "s", shift: shifts[1]))
    }

    /// An empty timeline is still a valid calendar, and imports to nothing.
    @Test func emptyExportImportsToNothing() throws {
        let ics = ICalExport.calendar(name: "empty", shifts: [], people: [])
        let back = try ICalImport.shifts(ics: ics, from: Self.from, to: Self.to, people: Self.people, defaultZone: Fx.zone("UTC"))
        #expect(back.shifts.isEmpty)
        #expect(back.warnings.isEmpty)
    }
}
