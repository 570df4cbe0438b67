import Foundation
import TimeKit

/// An on-call schedule: layers of rotations and fixed shifts in one IANA zone, plus overrides.
/// "Who is on call at T" is a pure function of the schedule and T, the same in every process.
///
/// Resolution at an instant:
/// 1. Layers, highest index first: the first layer that has anyone on call gives the scheduled
///    set (everyone its overlapping shifts put on call); lower layers show through only where
///    higher ones are empty (restricted, excluded date, no shift).
/// 2. Overrides (see `Override`) change that set; they win over every layer.
///
/// DST: hand-offs happen at the wall-clock time in the schedule's zone, so a 09:00 hand-off is
/// 09:00 after a DST change and a shift that crosses the change is an hour longer or shorter. A
/// wall time skipped by spring-forward resolves to the first instant after the gap shifted by
/// the gap's length (02:30 → 03:30); a repeated wall time resolves to its earlier occurrence.
/// Hourly and N-hour rotations with N dividing 24 stay on wall-clock labels; other N-hour
/// rotations count elapsed time (`Rotation`, `ZoneClock`, docs/schedules.md).
///
/// Everything the lookups need (zone transition table, overrides sorted by start with running
/// maximum ends, fixed shifts likewise) is built once in `init`; the struct is immutable, so
/// `onCall(at:)` is a few binary searches and arithmetic per layer.
public struct Schedule: Sendable {
    /// The schedule's name.
    public let name: String
    /// Wall-clock conversions in the schedule's zone (built once).
    public let clock: ZoneClock
    /// Layers; index 0 is the lowest.
    public let layers: [Layer]
    /// Overrides as given.
    public let overrides: [Override]
    /// Override positions in `overrides`, indexed by time.
    private let overrideIndex: IntervalIndex<Int>

    /// A schedule in `timeZone` with `layers` (index 0 lowest) and `overrides`.
    public init(name: String, timeZone: TimeZone, layers: [Layer], overrides: [Override] = []) {
        self.name = name
        clock = ZoneClock(timeZone: timeZone)
        self.layers = layers
        self.overrides = overrides
        overrideIndex = IntervalIndex(
            overrides.enumerated().map {
                ($0.element.start.timeIntervalSince1970, $0.element.end.timeIntervalSince1970, $0.offset)
            })
    }

    /// The schedule's zone.
    public var timeZone: TimeZone { clock.timeZone }

    /// The people on call at `instant`, sorted by id, without repeats; empty when nobody is.
    public func onCall(at instant: Date) -> [PersonID] {
        resolve(at: instant.timeIntervalSince1970).map(\.person)
    }

    /// Who is on call at `t` (seconds since 1970) and why, sorted by person, one entry each.
    /// A person both scheduled and put on call by an override is attributed to the override;
    /// a person added by several overrides, to the one that starts first.
    func resolve(at t: Double) -> [(person: PersonID, source: Shift.Source)] {
        let ts = Int(t.rounded(.down))
        var scheduled: [PersonID] = []
        var layerIndex = -1
        for i in layers.indices.reversed() {
            layers[i].appendOnCall(at: t, second: ts, clock, to: &scheduled)
            if !scheduled.isEmpty {
                layerIndex = i
                break
            }
        }
        if overrideIndex.elements.isEmpty || !overrideIndex.anyContains(t) {
            var result: [(person: PersonID, source: Shift.Source)] = []
            result.reserveCapacity(scheduled.count)
            for person in scheduled where !result.contains(where: { $0.person == person }) { result.append((person, .layer(layerIndex))) }
            if result.count > 1 { result.sort { $0.person < $1.person } }
            return result
        }
        var removed: [PersonID] = []
        var added: [(position: Int, person: PersonID)] = []
        overrideIndex.forEach(containing: t) { position in
            let o = overrides[overrideIndex.elements[position]]
            switch o.action {
            case .replace(let covering, let by):
                if scheduled.contains(covering) {
                    removed.append(covering)
                    added.append((position, by))
                }
            case .add(let person):
                added.append((position, person))
            }
        }
        var result: [(person: PersonID, source: Shift.Source)] = []
        result.reserveCapacity(scheduled.count + added.count)
        for (position, person) in (added.count > 1 ? added.sorted(by: { $0.position < $1.position }) : added)
        where !result.contains(where: { $0.person == person }) {
            result.append((person, .override(overrides[overrideIndex.elements[position]].id)))
        }
        for person in scheduled where !removed.contains(person) && !result.contains(where: { $0.person == person }) {
            result.append((person, .layer(layerIndex)))
        }
        if result.count > 1 { result.sort { $0.person < $1.person } }
        return result
    }

    /// Every instant strictly inside `(from, to)` where the resolved set may change, plus `from`
    /// and `to`, ascending and without repeats.
    func changePoints(from: Double, to: Double) -> [Double] {
        var points = [from, to]
        for layer in layers { points += layer.changePoints(from: from, to: to, clock) }
        points += overrideIndex.edges(from: from, to: to)
        var unique: [Double] = []
        for p in points.sorted() where p >= from && p <= to && unique.last != p { unique.append(p) }
        return unique
    }
}
