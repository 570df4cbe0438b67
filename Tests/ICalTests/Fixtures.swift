import Foundation
import ICal
import OnCall
import Testing
import TimeKit

/// Test helpers. Expected instants are UTC literals worked out by hand from the zone's offset
/// on that day, never computed by the code under test.
enum Fx {
    /// `2026-03-28T08:00:00Z` → Date.
    static func utc(_ text: String) -> Date {
        guard let d = ISO8601DateFormatter().date(from: text) else { fatalError("bad UTC literal \(text)") }
        return d
    }

    /// A zone that must exist.
    static func zone(_ id: String) -> TimeZone {
        guard let z = TimeZone(identifier: id) else { fatalError("unknown zone \(id)") }
        return z
    }

    /// The people every fixture refers to.
    static let people: [Person] = [
        Person(id: "alice", name: "Alice Archer", email: "alice@example.com"),
        Person(id: "bob", name: "Bob Builder", email: "bob@example.com"),
        Person(id: "carol", name: "Carol Chen", email: "Carol@Example.com"),
        Person(id: "dave", name: "Dave Doe", email: "dave@example.com"),
    ]

    /// `body` (VEVENTs, VTIMEZONEs, calendar properties; one per line, indentation ignored)
    /// inside a VCALENDAR, with CRLF line ends as RFC 5545 wants.
    static func calendar(_ body: String) -> String {
        let lines =
            ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Klaxon tests//EN"]
            + body.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            + ["END:VCALENDAR"]
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `person start end` with instants as UTC text, for readable failures.
    static func plain(_ shifts: [FixedShift]) -> [String] {
        let f = ISO8601DateFormatter()
        return shifts.map { "\($0.person) \(f.string(from: $0.start)) \(f.string(from: $0.end))" }
    }

    /// Imports `calendar(body)` over `[from, to)`.
    static func importing(
        _ body: String, from: String = "2026-01-01T00:00:00Z", to: String = "2027-01-01T00:00:00Z",
        zone: String = "UTC"
    ) throws(ICalError) -> ICalImport.Result {
        try ICalImport.shifts(ics: calendar(body), from: utc(from), to: utc(to), people: people, defaultZone: Fx.zone(zone))
    }
}

/// One import case: a calendar body, a window, the default zone, the shifts expected (`person
/// startZ endZ`) and a piece of text each expected warning holds (no other warnings allowed).
struct ImportCase: CustomTestStringConvertible, Sendable {
    let name: String
    let body: String
    var from = "2026-01-01T00:00:00Z"
    var to = "2027-01-01T00:00:00Z"
    var zone = "UTC"
    let shifts: [String]
    var warnings: [String] = []

    var testDescription: String { name }
}
