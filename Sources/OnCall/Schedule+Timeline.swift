import Foundation
import TimeKit

extension Schedule {
    /// The final timeline over `[from, to)`: who is on call when, after layer precedence and
    /// overrides, clipped to the range, sorted by start then person.
    ///
    /// Consecutive pieces of the same person from the same source are merged (two daily shifts in
    /// a row for Alice in a rotation `[alice, alice, bob]` are one shift; so are the pieces of a
    /// shift cut by another person's override). Pieces from different sources stay separate, as
    /// each shift names its source. An empty range gives no shifts.
    public func shifts(from: Date, to: Date) -> [Shift] {
        var open: [Key: Double] = [:]
        var done: [Shift] = []
        let date = Self.dates(from: from, to: to)
        for (start, _, members) in segments(from: from, to: to) {
            let current = Set(members.map { Key(person: $0.person, source: $0.source) })
            for (key, began) in open where !current.contains(key) {
                done.append(Shift(personID: key.person, start: date(began), end: date(start), source: key.source))
                open[key] = nil
            }
            for key in current where open[key] == nil { open[key] = start }
        }
        for (key, began) in open {
            done.append(Shift(personID: key.person, start: date(began), end: to, source: key.source))
        }
        return done.sorted { ($0.start, $0.personID, $0.source) < ($1.start, $1.personID, $1.source) }
    }

    /// The intervals within `[from, to)` when nobody is on call, merged and ascending.
    public func gaps(from: Date, to: Date) -> [DateInterval] {
        var gaps: [DateInterval] = []
        var gapStart: Double?
        let date = Self.dates(from: from, to: to)
        for (start, _, members) in segments(from: from, to: to) {
            if members.isEmpty {
                if gapStart == nil { gapStart = start }
            } else if let s = gapStart {
                gaps.append(DateInterval(start: date(s), end: date(start)))
                gapStart = nil
            }
        }
        if let s = gapStart { gaps.append(DateInterval(start: date(s), end: to)) }
        return gaps
    }

    /// Unix seconds back to a `Date`, giving the range's own ends back exactly: a `Date` is
    /// stored since 2001, so one rebuilt from Unix seconds can land a hair after the instant it
    /// came from, and a shift cut at `from` would seem to start after it.
    private static func dates(from: Date, to: Date) -> (Double) -> Date {
        let lo = from.timeIntervalSince1970
        let hi = to.timeIntervalSince1970
        return { t in t == lo ? from : t == hi ? to : Date(timeIntervalSince1970: t) }
    }

    /// `[from, to)` cut at every change point; each piece with who is on call throughout it.
    private func segments(from: Date, to: Date) -> [(start: Double, end: Double, members: [(person: PersonID, source: Shift.Source)])] {
        let lo = from.timeIntervalSince1970
        let hi = to.timeIntervalSince1970
        guard lo < hi else { return [] }
        let points = changePoints(from: lo, to: hi)
        return zip(points, points.dropFirst()).map { ($0, $1, resolve(at: $0)) }
    }

    /// A person with a source, the unit that merges.
    private struct Key: Hashable {
        let person: PersonID
        let source: Shift.Source
    }
}
