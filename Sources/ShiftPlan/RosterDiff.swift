import AlertCore
import Foundation
import OnCall

/// How one person's on-call time moved between two versions of a schedule's timeline.
public struct RosterChange: Sendable, Hashable {
    public var person: PersonID
    /// Time they are now on call and were not before.
    public var gained: [DateInterval]
    /// Time they were on call and are not any more.
    public var lost: [DateInterval]

    public init(person: PersonID, gained: [DateInterval], lost: [DateInterval]) {
        self.person = person
        self.gained = gained
        self.lost = lost
    }
}

/// Compares two timelines of one schedule (an override, a config change or a calendar moved
/// shifts): who gained and who lost which on-call time within a window. Pure.
public enum RosterDiff {
    /// The changes within `[from, to)`, one per affected person, sorted by person. Only the time
    /// on call counts: a shift that moved from one layer to an override for the same person is
    /// no change.
    public static func diff(old: [Shift], new: [Shift], from: Date, to: Date) -> [RosterChange] {
        let before = covered(old, from: from, to: to)
        let after = covered(new, from: from, to: to)
        var out: [RosterChange] = []
        for person in Set(before.keys).union(after.keys).sorted() {
            let a = before[person] ?? []
            let b = after[person] ?? []
            let change = RosterChange(person: person, gained: subtract(b, a), lost: subtract(a, b))
            if !change.gained.isEmpty || !change.lost.isEmpty { out.append(change) }
        }
        return out
    }

    /// Each person's time on call within `[from, to)`, as sorted disjoint intervals.
    static func covered(_ shifts: [Shift], from: Date, to: Date) -> [PersonID: [DateInterval]] {
        var out: [PersonID: [DateInterval]] = [:]
        for span in ShiftPlanner.spans(shifts) {
            let s = max(span.start, from)
            let e = min(span.end, to)
            if s < e { out[span.person, default: []].append(DateInterval(start: s, end: e)) }
        }
        return out
    }

    /// `a` minus `b`; both sorted and disjoint.
    static func subtract(_ a: [DateInterval], _ b: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for x in a {
            var pieces = [x]
            for y in b where y.start < x.end && y.end > x.start {
                pieces = pieces.flatMap { p -> [DateInterval] in
                    var r: [DateInterval] = []
                    if p.start < y.start { r.append(DateInterval(start: p.start, end: min(p.end, y.start))) }
                    if p.end > y.end { r.append(DateInterval(start: max(p.start, y.end), end: p.end)) }
                    return r
                }
            }
            out += pieces.filter { $0.duration > 0 }
        }
        return out
    }
}

extension ShiftPlanner {
    /// The messages telling each person of `changes` what moved, due at `at`. Ids derive from
    /// the change itself, so replicas that see the same change announce it once; an unchanged
    /// roster announces nothing.
    public func changeAnnouncements(_ changes: [RosterChange], at: Date) -> [Announcement] {
        var text = TimeText()
        var out: [Announcement] = []
        for c in changes {
            let zone = roster.people[c.person]?.timeZone ?? schedule.timeZone.identifier
            func list(_ xs: [DateInterval]) -> String {
                xs.map { "\(text.format($0.start, zone: zone)) – \(text.format($0.end, zone: zone))" }.joined(separator: "; ")
            }
            var parts: [String] = []
            if !c.gained.isEmpty { parts.append("you are now on call \(list(c.gained))") }
            if !c.lost.isEmpty { parts.append("you are no longer on call \(list(c.lost))") }
            let line = "Your on-call shifts for \(schedule.name) changed: \(parts.joined(separator: "; and "))."
            let key =
                (c.gained.map { "+\($0.start.timeIntervalSince1970)-\($0.end.timeIntervalSince1970)" }
                + c.lost.map { "-\($0.start.timeIntervalSince1970)-\($0.end.timeIntervalSince1970)" }).joined(separator: ",")
            let seed = Self.seed(schedule.name, .change, Date(timeIntervalSince1970: 0), Fingerprint.hash(key) + "\u{0}" + c.person.rawValue)
            out += deliveries(to: c.person, seed: seed, at: at).map { d in
                Announcement(
                    id: d.id, kind: .change, schedule: schedule.name, due: at, boundary: c.gained.first?.start ?? c.lost.first?.start ?? at,
                    channel: d.channel, recipient: d.recipient, mentions: d.mentions, person: c.person, text: line)
            }
        }
        return out
    }
}
