import AlertCore
import Escalation
import Foundation
import OnCall

/// What `klaxon-shift` announces for one schedule, as a pure function of the roster and two
/// instants (no clock, no I/O): every announcement due in `(from, to]`.
///
/// A person's on-call time is the union of their shifts (pieces from different layers or
/// overrides that touch count as one span), so a person covered by an override that meets their
/// own shift is not told twice. At each span's start the person is told (and reminded ahead at
/// `remind_before`); at its end they are told it ended; at every instant the on-call set changes
/// the team's channels are told who is on call now, with the incoming people @-mentioned.
/// Boundaries are the schedule's own (`Schedule.shifts`), so they follow its wall clock
/// through DST changes.
public struct ShiftPlanner: Sendable {
    /// How far past a span's start the timeline is read to find its end and the next person.
    public static let lookahead: TimeInterval = 35 * 86_400

    public let roster: Roster
    public let schedule: Schedule
    public let settings: AnnounceConfig

    public init(roster: Roster, schedule: Schedule, settings: AnnounceConfig) {
        self.roster = roster
        self.schedule = schedule
        self.settings = settings
    }

    /// One person's continuous time on call.
    struct Span: Hashable {
        var person: PersonID
        var start: Date
        var end: Date
    }

    /// Every announcement due in `(from, to]`, sorted by due instant, then kind and id.
    public func announcements(from: Date, to: Date) -> [Announcement] {
        guard to > from else { return [] }
        let longest = TimeInterval(settings.remindBeforeSeconds.max() ?? 0)
        let windowStart = from.addingTimeInterval(-86_400)
        let windowEnd = to.addingTimeInterval(longest + Self.lookahead)
        let spans = Self.spans(schedule.shifts(from: windowStart, to: windowEnd))
        var text = TimeText()
        var out: [Announcement] = []
        func due(_ t: Date) -> Bool { t > from && t <= to }
        let starts = Dictionary(grouping: spans.filter { $0.start > windowStart }, by: \.start)
        for span in spans {
            if span.start > windowStart {
                let until = span.end < windowEnd ? span.end : nil
                let next = until.map { e in (starts[e] ?? []).map(\.person).filter { $0 != span.person } }
                if due(span.start) {
                    out += personal(.start, span.person, boundary: span.start, due: span.start, key: "") { zone in
                        "You are on call for \(schedule.name) from now until \(until.map { text.format($0, zone: zone) } ?? "further notice")"
                            + (next.map { "; next: \(names($0))" } ?? "") + "."
                    }
                    if let policy = settings.confirmPolicy {
                        let zone = schedule.timeZone.identifier
                        out.append(
                            Announcement(
                                id: Fingerprint.hash(Self.seed(schedule.name, .confirm, span.start, span.person.rawValue)), kind: .confirm,
                                schedule: schedule.name, due: span.start, boundary: span.start, channel: Announcement.escalationChannel,
                                recipient: policy, mentions: [], person: span.person,
                                text: "\(name(span.person)) is on call for \(schedule.name) from \(text.format(span.start, zone: zone)) until "
                                    + "\(until.map { text.format($0, zone: zone) } ?? "further notice"). Acknowledge to confirm you are reachable."))
                    }
                }
                for seconds in settings.remindBeforeSeconds where due(span.start.addingTimeInterval(-Double(seconds))) {
                    out += personal(
                        .reminder, span.person, boundary: span.start, due: span.start.addingTimeInterval(-Double(seconds)), key: "\(seconds)"
                    ) {
                        zone in
                        "Reminder: you are on call for \(schedule.name) in \(TimeText.duration(seconds)), from \(text.format(span.start, zone: zone))"
                            + " until \(until.map { text.format($0, zone: zone) } ?? "further notice")."
                    }
                }
            }
            if span.end < windowEnd && due(span.end) {
                let now = Self.onCall(spans, at: span.end)
                out += personal(.end, span.person, boundary: span.end, due: span.end, key: "") { zone in
                    "Your on-call shift for \(schedule.name) ended at \(text.format(span.end, zone: zone)); now on call: \(now.isEmpty ? "nobody" : names(now))."
                }
            }
        }
        if !settings.team.isEmpty {
            let edges = Set(spans.flatMap { [$0.start, $0.end] }).filter { $0 > windowStart && $0 < windowEnd && due($0) }
            for b in edges.sorted() { out += handover(at: b, spans: spans, windowEnd: windowEnd, text: &text) }
        }
        out += gapReports(from: from, to: to, text: &text)
        return out.sorted { ($0.due, $0.kind.rawValue, $0.id) < ($1.due, $1.kind.rawValue, $1.id) }
    }

    /// The team's message at `b`: who is on call now and until when, the incoming @-mentioned.
    func handover(at b: Date, spans: [Span], windowEnd: Date, text: inout TimeText) -> [Announcement] {
        let current = spans.filter { $0.start <= b && b < $0.end }.sorted { $0.person < $1.person }
        let incoming = current.filter { $0.start == b }.map(\.person)
        let left = spans.filter { $0.end == b }.map(\.person).filter { p in !current.contains { $0.person == p } }
        let zone = schedule.timeZone.identifier
        var line: String
        if current.isEmpty {
            let next = spans.filter { $0.start > b }.map(\.start).min()
            line =
                "Nobody is on call for \(schedule.name) from \(text.format(b, zone: zone))"
                + (next.map { " until \(text.format($0, zone: zone))" } ?? "") + "."
        } else {
            let who = current.map { s in
                "\(name(s.person)) until \(s.end < windowEnd ? text.format(s.end, zone: zone) : "further notice")"
            }
            line = "Now on call for \(schedule.name): \(who.joined(separator: ", "))."
        }
        if !left.isEmpty { line += " Off call: \(names(left))." }
        let targets = EscalationTargets(people: incoming, channels: settings.team)
        let seed = Self.seed(schedule.name, .handover, b, "")
        let resolved = StepResolver.resolve(targets, urgency: .default, seed: seed, roster: roster, at: b)
        let since = previousHandover(before: b)
        return resolved.deliveries.filter(isTeam).map { d in
            Announcement(
                id: d.id, kind: .handover, schedule: schedule.name, due: b, boundary: b, channel: d.channel, recipient: d.recipient,
                mentions: d.mentions, person: nil, text: line, since: since)
        }
    }

    /// The last instant before `b` at which the on-call set changed, looked for up to
    /// `lookahead` back (nil when it did not change in that time).
    func previousHandover(before b: Date) -> Date? {
        let from = b.addingTimeInterval(-Self.lookahead)
        let spans = Self.spans(schedule.shifts(from: from, to: b))
        return spans.flatMap { [$0.start, $0.end] }.filter { $0 > from && $0 < b }.max()
    }

    /// Messages to `person` on their own channels, each text in their zone.
    func personal(
        _ kind: Announcement.Kind, _ person: PersonID, boundary: Date, due: Date, key: String, _ line: (String) -> String
    ) -> [Announcement] {
        let zone = roster.people[person]?.timeZone ?? schedule.timeZone.identifier
        let body = line(zone)
        return deliveries(to: person, seed: Self.seed(schedule.name, kind, boundary, key + "\u{0}" + person.rawValue), at: boundary).map { d in
            Announcement(
                id: d.id, kind: kind, schedule: schedule.name, due: due, boundary: boundary, channel: d.channel, recipient: d.recipient,
                mentions: d.mentions, person: person, text: body)
        }
    }

    /// A person's own channels: their contact steps for default urgency, delays ignored (news,
    /// not a page), without a robot that is also a team channel (the team message reaches it),
    /// and without `voice`: a phone call for news wakes someone for nothing (`sms` is kept).
    func deliveries(to person: PersonID, seed: String, at instant: Date) -> [Delivery] {
        StepResolver.resolve(EscalationTargets(people: [person]), urgency: .default, seed: seed, roster: roster, at: instant).deliveries.filter {
            !isTeam($0) && $0.channel != Channel.voice.rawValue
        }
    }

    func isTeam(_ d: Delivery) -> Bool {
        settings.team.contains { $0.channel.rawValue == d.channel && $0.recipients.contains(d.recipient) }
    }

    func name(_ p: PersonID) -> String { roster.people[p]?.name ?? p.rawValue }
    func names(_ ps: [PersonID]) -> String { ps.isEmpty ? "nobody" : ps.map(name).joined(separator: ", ") }

    /// The seed of an announcement's ids: schedule, kind, boundary (Unix ms) and a key.
    static func seed(_ schedule: String, _ kind: Announcement.Kind, _ boundary: Date, _ key: String) -> String {
        "shift\u{0}\(schedule)\u{0}\(kind.rawValue)\u{0}\(Int64((boundary.timeIntervalSince1970 * 1000).rounded()))\u{0}\(key)"
    }

    /// The people whose spans contain `t`, sorted.
    static func onCall(_ spans: [Span], at t: Date) -> [PersonID] {
        Set(spans.filter { $0.start <= t && t < $0.end }.map(\.person)).sorted()
    }

    /// Each person's shifts merged into continuous spans (pieces that touch or overlap are one),
    /// sorted by start, then person.
    static func spans(_ shifts: [Shift]) -> [Span] {
        var out: [Span] = []
        for (person, list) in Dictionary(grouping: shifts, by: \.personID) {
            for s in list.sorted(by: { $0.start < $1.start }) {
                if let last = out.last, last.person == person, s.start <= last.end {
                    out[out.count - 1].end = max(last.end, s.end)
                } else {
                    out.append(Span(person: person, start: s.start, end: s.end))
                }
            }
        }
        return out.sorted { ($0.start, $0.person) < ($1.start, $1.person) }
    }
}
