import Foundation
import OnCall
import TimeKit

/// One `schedules:` entry as configured. Layers from iCalendar files are kept as paths: the
/// pure core reads no files; the process that resolves schedules loads them (`ICal`).
public struct ScheduleConfig: Sendable {
    /// A layer as configured.
    public enum LayerSource: Sendable {
        /// Computed from the config.
        case layer(Layer)
        /// Shifts from an iCalendar file (one VEVENT per shift, the person in SUMMARY or ATTENDEE).
        case ical(path: String, name: String, excludeDates: Set<LocalDate>)
    }

    public var name: String
    public var timeZone: TimeZone
    /// Lowest first: a higher layer wins where it has someone on call.
    public var layers: [LayerSource]
    /// Overrides written in the config (run-time ones live in Redis).
    public var overrides: [Override]
    /// Holiday calendars per layer index (`exclude_calendar: FILE`): the local dates their events
    /// cover are added to the layer's `exclude_dates` when the roster is built.
    public var excludeCalendars: [Int: String] = [:]
    /// `announce:`: hand-overs announced by `klaxon-shift`; `nil` (absent) announces nothing.
    public var announce: AnnounceConfig? = nil

    public init(name: String, timeZone: TimeZone, layers: [LayerSource], overrides: [Override] = []) {
        self.name = name
        self.timeZone = timeZone
        self.layers = layers
        self.overrides = overrides
    }
}

/// Reads `schedules:`.
///
/// ```yaml
/// schedules:
///   - name: db-primary
///     time_zone: Europe/Berlin
///     layers:                                  # lowest first; a higher layer wins
///       - name: weekly
///         rotation:
///           people: [alice, bob]
///           start: 2026-01-05                   # the first shift starts this day at handoff
///           handoff: "09:00"                    # wall-clock time in the schedule's zone
///           every: 1w                           # 1h, 12h, 1d, 3d, 1w (hourly, daily, weekly)
///           days: [mon, tue, wed, thu, fri]     # optional: on call only these days…
///           hours: "20:00-08:00"                # …and these hours (may wrap midnight)
///         exclude_dates: [2026-10-01]           # the layer does not apply on these local dates
///         exclude_calendar: /etc/klaxon/cn-holidays.ics   # nor on the days of these events
///       - name: christmas
///         shifts:
///           - {person: carol, start: "2026-12-24T00:00:00+01:00", end: "2026-12-27T00:00:00+01:00"}
///       - name: imported
///         ical: /etc/klaxon/db-oncall.ics
///     overrides:
///       - {id: swap-1, person: bob, covering: alice, from: "…", to: "…"}
///       - {id: extra-1, person: carol, from: "…", to: "…"}
///     announce:                                 # optional: klaxon-shift announces hand-overs
///       team: {dingtalk: [ops], email: [db-team@example.com]}   # told at each hand-over
///       remind_before: [1d, 1h]                 # the incoming person is reminded ahead
///       grace: 15m                              # a boundary missed while down: sent late within this
///       confirm_policy: shift-confirm           # optional: the shift start is an incident to acknowledge
/// ```
enum SchedulesConfig {
    static func read(_ top: MappingReader, people: Set<PersonID>, robots: [String: Channel] = [:]) -> [ScheduleConfig] {
        var out: [ScheduleConfig] = []
        var names: Set<String> = []
        for s in top.mappings("schedules") {
            let name = s.requiredString("name") ?? ""
            if !name.isEmpty && !names.insert(name).inserted { s.report("name", "duplicate schedule name \"\(name)\"") }
            let zoneName = s.requiredString("time_zone") ?? "UTC"
            let zone = TimeZone(identifier: zoneName) ?? .gmt
            if TimeZone(identifier: zoneName) == nil {
                s.report("time_zone", "unknown time zone \"\(zoneName)\" (use an IANA name like Europe/Berlin)")
            }
            var layers: [ScheduleConfig.LayerSource] = []
            let layerReaders = s.mappings("layers")
            if layerReaders.isEmpty { s.report("layers", "a schedule needs at least one layer") }
            var excludeCalendars: [Int: String] = [:]
            for l in layerReaders {
                if let path = l.string("exclude_calendar") {
                    if path.isEmpty { l.report("exclude_calendar", "must not be empty") } else { excludeCalendars[layers.count] = path }
                }
                if let layer = readLayer(l, people: people) { layers.append(layer) }
            }
            let overrides = s.mappings("overrides").compactMap { readOverride($0, people: people) }
            let announce = s.node("announce") != nil ? s.mapping("announce").map { readAnnounce($0, robots: robots) } : nil
            s.finish()
            var schedule = ScheduleConfig(name: name, timeZone: zone, layers: layers, overrides: overrides)
            schedule.excludeCalendars = excludeCalendars
            schedule.announce = announce
            out.append(schedule)
        }
        return out
    }

    static func readAnnounce(_ a: MappingReader, robots: [String: Channel]) -> AnnounceConfig {
        defer { a.finish() }
        var config = AnnounceConfig()
        if a.node("team") != nil, let team = a.mapping("team") {
            let known = KnownNames(robots: robots, templateSets: [])
            config.team = RouterConfig.readTargets(team, known: known, key: nil).map { ChannelTarget($0.channel, $0.recipients) }
            team.finish()
        }
        for (i, text) in (a.stringList("remind_before") ?? []).enumerated() {
            guard let ms = parseDurationMillis(text), ms >= 60_000, ms <= 30 * 86_400_000 else {
                a.diagnostics.report("\(a.pathOf("remind_before"))[\(i)]", "expected a duration from 1m to 30d such as 1d or 1h, got \"\(text)\"")
                continue
            }
            if !config.remindBeforeSeconds.contains(Int(ms / 1000)) { config.remindBeforeSeconds.append(Int(ms / 1000)) }
        }
        config.graceSeconds = Int(a.duration("grace", default: 15 * 60_000, min: 1000) / 1000)
        // Checked against escalation_policies once they are read (KlaxonConfig.read).
        config.confirmPolicy = a.string("confirm_policy")
        return config
    }

    static func readLayer(_ l: MappingReader, people: Set<PersonID>) -> ScheduleConfig.LayerSource? {
        let name = l.string("name") ?? ""
        let exclude = Set(
            (l.stringList("exclude_dates") ?? []).enumerated().compactMap { i, text -> LocalDate? in
                guard let d = LocalDate(text) else {
                    l.diagnostics.report("\(l.pathOf("exclude_dates"))[\(i)]", "expected a date such as 2026-10-01, got \"\(text)\"")
                    return nil
                }
                return d
            })
        let kinds = ["rotation", "shifts", "ical"].filter { l.keys.contains($0) }
        defer { l.finish() }
        guard kinds.count == 1 else {
            l.diagnostics.report(l.path, "give exactly one of rotation, shifts, ical", line: l.line)
            return nil
        }
        switch kinds[0] {
        case "rotation":
            guard let r = l.mapping("rotation"), let rotation = readRotation(r, people: people) else { return nil }
            return .layer(.rotation(rotation, name: name, excludeDates: exclude))
        case "shifts":
            let shifts = l.mappings("shifts").compactMap { m -> FixedShift? in
                defer { m.finish() }
                guard let p = readPerson(m, key: "person", people: people), let start = readInstant(m, "start"), let end = readInstant(m, "end")
                else { return nil }
                if end <= start { m.report("end", "must be after start"); return nil }
                return FixedShift(p, from: start, to: end)
            }
            return .layer(.fixed(shifts, name: name, excludeDates: exclude))
        default:
            guard let path = l.requiredString("ical"), !path.isEmpty else { return nil }
            return .ical(path: path, name: name, excludeDates: exclude)
        }
    }

    static func readRotation(_ r: MappingReader, people: Set<PersonID>) -> Rotation? {
        defer { r.finish() }
        let list = (r.stringList("people") ?? []).enumerated().compactMap { i, id -> PersonID? in
            guard people.contains(PersonID(id)) else {
                r.diagnostics.report("\(r.pathOf("people"))[\(i)]", "no person with id \"\(id)\" in people")
                return nil
            }
            return PersonID(id)
        }
        if list.isEmpty { r.report("people", "a rotation needs at least one person") }
        let start = r.requiredString("start").flatMap { text -> LocalDate? in
            guard let d = LocalDate(text) else { r.report("start", "expected a date such as 2026-01-05, got \"\(text)\""); return nil }
            return d
        }
        let handoffText = r.string("handoff") ?? "09:00"
        let handoff = LocalTime(handoffText)
        if handoff == nil { r.report("handoff", "expected a time of day such as 09:00, got \"\(handoffText)\"") }
        let everyText = r.string("every") ?? "1w"
        let every = frequency(everyText)
        if every == nil { r.report("every", "expected hourly, daily, weekly, or N hours/days such as 12h, 3d, 1w; got \"\(everyText)\"") }
        let restriction = readRestriction(r)
        guard !list.isEmpty, let start, let handoff, let every else { return nil }
        return Rotation(people: list, startDate: start, handoff: handoff, frequency: every, restriction: restriction)
    }

    /// `hourly`, `daily`, `weekly`, `12h`, `3d`, `2w`.
    static func frequency(_ text: String) -> Rotation.Frequency? {
        switch text {
        case "hourly": return .hourly
        case "daily": return .daily
        case "weekly": return .weekly
        default: break
        }
        guard let unit = text.last, let n = Int(text.dropLast()), n >= 1, n <= 9000 else { return nil }
        switch unit {
        case "h": return .hours(n)
        case "d": return .days(n)
        case "w": return .days(7 * n)
        default: return nil
        }
    }

    static func readRestriction(_ r: MappingReader) -> Restriction? {
        let dayNames: [String: Weekday] = [
            "mon": .monday, "tue": .tuesday, "wed": .wednesday, "thu": .thursday, "fri": .friday,
            "sat": .saturday, "sun": .sunday,
        ]
        var days: Set<Weekday> = []
        for (i, d) in (r.stringList("days") ?? []).enumerated() {
            if let w = dayNames[d.lowercased().prefix(3).description] {
                days.insert(w)
            } else {
                r.diagnostics.report("\(r.pathOf("days"))[\(i)]", "expected a weekday such as mon or tuesday, got \"\(d)\"")
            }
        }
        var window: Restriction.Window? = nil
        if let hours = r.string("hours") {
            let parts = hours.split(separator: "-").map { LocalTime(String($0).trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, let a = parts[0], let b = parts[1], a != b {
                window = Restriction.Window(from: a, to: b)
            } else {
                r.report("hours", "expected a window such as 20:00-08:00, got \"\(hours)\"")
            }
        }
        return days.isEmpty && window == nil ? nil : Restriction(days: days, window: window)
    }

    static func readOverride(_ m: MappingReader, people: Set<PersonID>) -> Override? {
        defer { m.finish() }
        let id = m.requiredString("id") ?? ""
        guard let person = readPerson(m, key: "person", people: people), let from = readInstant(m, "from"), let to = readInstant(m, "to") else {
            return nil
        }
        if to <= from { m.report("to", "must be after from"); return nil }
        if m.keys.contains("covering") {
            guard let covering = readPerson(m, key: "covering", people: people) else { return nil }
            return .replace(id: id, covering: covering, by: person, from: from, to: to)
        }
        return .add(id: id, person, from: from, to: to)
    }

    static func readPerson(_ m: MappingReader, key: String, people: Set<PersonID>) -> PersonID? {
        guard let id = m.requiredString(key), !id.isEmpty else { return nil }
        guard people.contains(PersonID(id)) else { m.report(key, "no person with id \"\(id)\" in people"); return nil }
        return PersonID(id)
    }

    /// An RFC 3339 instant with its offset (`2026-12-24T09:00:00+01:00`).
    static func readInstant(_ m: MappingReader, _ key: String) -> Date? {
        guard let text = m.requiredString(key) else { return nil }
        // Exact instants: an edge at 09:00 meets a 09:00 hand-off without a sliver between them.
        guard let d = RFC3339Time(text)?.instant else {
            m.report(key, "expected an RFC 3339 time with its offset, such as 2026-12-24T09:00:00+01:00; got \"\(text)\"")
            return nil
        }
        return d
    }
}
