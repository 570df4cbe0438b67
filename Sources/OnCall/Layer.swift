import Foundation
import TimeKit

/// A fixed shift: `person` is on call from `start` (inclusive) to `end` (exclusive).
public struct FixedShift: Sendable, Hashable {
    /// Who is on call.
    public let person: PersonID
    /// When the shift starts.
    public let start: Date
    /// When it ends; a shift that does not end after it starts is ignored (validation reports it).
    public let end: Date

    /// `person` on call over `[start, end)`.
    public init(_ person: PersonID, from start: Date, to end: Date) {
        self.person = person
        self.start = start
        self.end = end
    }
}

/// One layer of a schedule: a rotation or a list of fixed shifts, minus holiday dates.
///
/// Within a layer, shifts that overlap put all their people on call at once. On an excluded
/// local date (in the schedule's zone) the layer has nobody on call at any instant of that date,
/// from its first instant to the next date's first; a night window that starts the evening
/// before still applies until local midnight.
public struct Layer: Sendable {
    /// What produces the layer's shifts.
    public enum Kind: Sendable {
        /// A rotation.
        case rotation(Rotation)
        /// Fixed shifts (a temporary schedule, an imported calendar).
        case fixed([FixedShift])
    }

    /// A label for people (e.g. `primary`, `weekend`); not used in resolution.
    public let name: String
    /// The layer's shifts.
    public let kind: Kind
    /// Local dates in the schedule's zone on which the layer does not apply (holidays).
    public let excludeDates: Set<LocalDate>
    /// `excludeDates` as day numbers since 1970-01-01.
    private let excludedDays: Set<Int>
    /// Fixed shifts by start, for `.fixed`.
    private let fixedIndex: IntervalIndex<PersonID>

    /// A layer of `kind`, not applying on `excludeDates`.
    public init(name: String = "", _ kind: Kind, excludeDates: Set<LocalDate> = []) {
        self.name = name
        self.kind = kind
        self.excludeDates = excludeDates
        excludedDays = Set(excludeDates.map(\.daysSinceEpoch))
        if case .fixed(let shifts) = kind {
            fixedIndex = IntervalIndex(shifts.map { ($0.start.timeIntervalSince1970, $0.end.timeIntervalSince1970, $0.person) })
        } else {
            fixedIndex = IntervalIndex([])
        }
    }

    /// A rotation layer.
    public static func rotation(_ rotation: Rotation, name: String = "", excludeDates: Set<LocalDate> = []) -> Layer {
        Layer(name: name, .rotation(rotation), excludeDates: excludeDates)
    }

    /// A layer of fixed shifts.
    public static func fixed(_ shifts: [FixedShift], name: String = "", excludeDates: Set<LocalDate> = []) -> Layer {
        Layer(name: name, .fixed(shifts), excludeDates: excludeDates)
    }

    /// Appends who this layer has on call at `t` (`ts` = `t` rounded down to the second) to `out`.
    func appendOnCall(at t: Double, second ts: Int, _ clock: ZoneClock, to out: inout [PersonID]) {
        if !excludedDays.isEmpty && excludedDays.contains(ZoneClock.floorDiv(clock.localSeconds(ofSecond: ts), 86_400)) { return }
        switch kind {
        case .rotation(let rotation):
            if let r = rotation.restriction, !r.contains(atSecond: ts, clock) { return }
            if let p = rotation.onCall(atSecond: ts, clock) { out.append(p) }
        case .fixed:
            fixedIndex.forEach(containing: t) { out.append(fixedIndex.elements[$0]) }
        }
    }

    /// Every instant strictly inside `(from, to)` where who this layer has on call may change.
    func changePoints(from: Double, to: Double, _ clock: ZoneClock) -> [Double] {
        let lo = Int(from.rounded(.down))
        let hi = Int(to.rounded(.up))
        var points: [Int] = []
        switch kind {
        case .rotation(let rotation):
            points += rotation.handoffs(from: lo, to: hi, clock)
            if let r = rotation.restriction { points += r.edges(from: lo, to: hi, clock) }
        case .fixed:
            return fixedIndex.edges(from: from, to: to) + exclusionEdges(lo, hi, clock).map(Double.init)
        }
        points += exclusionEdges(lo, hi, clock)
        return points.map(Double.init).filter { $0 > from && $0 < to }
    }

    /// The first instants of each excluded date and of the day after it, inside `(from, to)`.
    private func exclusionEdges(_ from: Int, _ to: Int, _ clock: ZoneClock) -> [Int] {
        guard !excludedDays.isEmpty else { return [] }
        let first = ZoneClock.floorDiv(clock.localSeconds(ofSecond: from), 86_400) - 1
        let last = ZoneClock.floorDiv(clock.localSeconds(ofSecond: to), 86_400) + 1
        return excludedDays.filter { $0 >= first && $0 <= last }
            .flatMap { [clock.instant(ofLocalSeconds: $0 * 86_400), clock.instant(ofLocalSeconds: ($0 + 1) * 86_400)] }
            .filter { $0 > from && $0 < to }
    }
}
