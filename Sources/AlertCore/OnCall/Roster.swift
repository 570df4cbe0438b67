import Foundation
import OnCall
import TimeKit

/// Who can be paged and who is on call, as one value the router resolves against: the config's
/// people and its schedules with their layers loaded (iCalendar layers included) and every
/// override applied (the config's and the run-time ones). Pure; each process builds it
/// (`RosterLoader`) and every replica that built it from the same inputs answers the same.
public struct Roster: Sendable {
    public let people: [PersonID: Person]
    public let schedules: [String: Schedule]

    public init(people: [Person], schedules: [Schedule]) {
        self.people = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.schedules = Dictionary(schedules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// No people, no schedules.
    public static let empty = Roster(people: [], schedules: [])

    /// The people on call for `schedule` at `instant`, sorted; empty for a gap or an unknown name.
    public func onCall(_ schedule: String, at instant: Date) -> [PersonID] {
        schedules[schedule]?.onCall(at: instant) ?? []
    }

    /// Builds the roster from the config's schedules. `loaded` gives each `.ical` layer's loaded
    /// layer by "<schedule>/<layer index>" (a layer not loaded yet counts as nobody on call);
    /// `overrides` adds run-time overrides per schedule to the config's.
    ///
    /// `holidays` adds, per "<schedule>/<layer index>", the dates of its `exclude_calendar`.
    public static func build(
        people: [Person], schedules: [ScheduleConfig], loaded: [String: Layer] = [:],
        overrides: [String: [Override]] = [:], holidays: [String: Set<LocalDate>] = [:]
    ) -> Roster {
        let built = schedules.map { s in
            let layers = s.layers.enumerated().map { i, source -> Layer in
                let layer: Layer
                switch source {
                case .layer(let l): layer = l
                case .ical(_, let name, let exclude): layer = loaded["\(s.name)/\(i)"] ?? .fixed([], name: name, excludeDates: exclude)
                }
                guard let extra = holidays["\(s.name)/\(i)"], !extra.isSubset(of: layer.excludeDates) else { return layer }
                return Layer(name: layer.name, layer.kind, excludeDates: layer.excludeDates.union(extra))
            }
            return Schedule(name: s.name, timeZone: s.timeZone, layers: layers, overrides: s.overrides + (overrides[s.name] ?? []))
        }
        return Roster(people: people, schedules: built)
    }
}
