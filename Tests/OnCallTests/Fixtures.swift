import Foundation
@testable import OnCall
import TestSupport
import TimeKit

/// OnCall's own fixtures, beside the shared ones (`TestSupport`'s `Fx`).
extension Fx {
    /// A schedule of one rotation layer.
    static func rotation(
        _ people: [PersonID], _ zone: String, start: String, at handoff: String, _ frequency: Rotation.Frequency,
        restriction: Restriction? = nil
    ) -> Schedule {
        Schedule(
            name: "test", timeZone: Self.zone(zone),
            layers: [
                .rotation(Rotation(people: people, startDate: date(start), handoff: time(handoff), frequency: frequency, restriction: restriction))
            ])
    }

    /// `(person, start, end, source)` of shifts, with instants as UTC text, for readable failures.
    static func plain(_ shifts: [Shift]) -> [String] {
        let f = ISO8601DateFormatter()
        return shifts.map { "\($0.personID) \(f.string(from: $0.start)) \(f.string(from: $0.end)) \($0.source)" }
    }

    /// `plain` for expected rows given as `(person, startUTC, endUTC, source)`.
    static func rows(_ rows: [(PersonID, String, String, Shift.Source)]) -> [String] {
        plain(rows.map { Shift(personID: $0.0, start: utc($0.1), end: utc($0.2), source: $0.3) })
    }
}
