import Foundation
internal import CICal
import OnCall
import TimeKit

/// Turns an iCalendar feed (Google, Outlook, Grafana OnCall, another Klaxon) into fixed shifts
/// for a `Layer`, through libical (no hand-written parser).
///
/// Rules (docs/schedules.md, "iCal import and export"):
/// - every `VEVENT` is expanded in `[from, to)` (`RRULE`, `RDATE`, `EXDATE`) on its wall clock;
///   occurrences that overlap the window are returned whole, not clipped;
/// - a component with a `RECURRENCE-ID` replaces that occurrence of its series (libical leaves
///   the original in the expansion; it is removed here); if it is cancelled, the occurrence is
///   just removed; a `STATUS:CANCELLED` series is skipped with all its instances;
/// - `TZID`s: IANA ids, Windows names (CLDR table; libical would read them as UTC), path-prefixed
///   IANA ids, else the calendar's `VTIMEZONE` of that name; floating times and all-day events
///   use `X-WR-TIMEZONE`, else `defaultZone`;
/// - the person comes from `SUMMARY`, else the `ATTENDEE`s (`PersonMatcher`); an event naming
///   nobody known is a warning.
public enum ICalImport {
    /// What an import produced.
    public struct Result: Sendable, Hashable {
        /// The shifts, by start, then end, then person.
        public let shifts: [FixedShift]
        /// One line per thing skipped or guessed (unknown person, unknown zone, rejected rule…).
        public let warnings: [String]
    }

    /// The shifts `ics` puts anyone in `people` on, among occurrences overlapping `[from, to)`.
    ///
    /// Throws `ICalError` when the text is empty, not iCalendar, or holds no `VCALENDAR`; the
    /// caller should then keep its last good copy. Problems with single events are warnings.
    public static func shifts(ics: String, from: Date, to: Date, people: [Person], defaultZone: TimeZone) throws(ICalError) -> Result {
        try expand(ics: ics, from: from, to: to, matcher: PersonMatcher(people: people), anyone: false, defaultZone: defaultZone)
    }

    /// The local dates (in `zone`) that any event of `ics` covers among occurrences overlapping
    /// `[from, to)`, whoever it names: a public-holiday calendar (e.g. China's holidays) as a
    /// layer's `exclude_calendar`. All-day events cover their days (DTEND exclusive); a timed
    /// event covers each date it touches. Same rules as `shifts` otherwise; throws the same.
    public static func dates(ics: String, from: Date, to: Date, zone: TimeZone) throws(ICalError) -> Set<LocalDate> {
        let r = try expand(ics: ics, from: from, to: to, matcher: PersonMatcher(people: []), anyone: true, defaultZone: zone)
        let clock = ZoneClock(timeZone: zone)
        var out: Set<LocalDate> = []
        for s in r.shifts where s.end > s.start {
            let first = ZoneClock.floorDiv(clock.localSeconds(ofSecond: Int(s.start.timeIntervalSince1970)), 86_400)
            let last = ZoneClock.floorDiv(clock.localSeconds(ofSecond: Int(s.end.timeIntervalSince1970) - 1), 86_400)
            guard last >= first, last - first < 3660 else { continue }
            for day in first...last { out.insert(LocalDate(daysSinceEpoch: day)) }
        }
        return out
    }

    private static func expand(
        ics: String, from: Date, to: Date, matcher: PersonMatcher, anyone: Bool,
        defaultZone: TimeZone
    ) throws(ICalError) -> Result {
        guard !ics.allSatisfy(\.isWhitespace) else { throw .empty }
        icalerrno_return().pointee = ICAL_NO_ERROR
        // The parser copies what it needs: the C string only lives for this call.
        guard let root = ics.withCString({ icalparser_parse_string($0) }) else {
            // libical returns NULL without setting icalerrno when it finds no complete component:
            // no BEGIN line at all (HTML, plain text) or one never closed (a truncated download).
            let code = icalerrno_return().pointee
            throw .unparsable(
                code == ICAL_NO_ERROR
                    ? "libical found no complete BEGIN…END component"
                    : "libical: \(LibICal.string(icalerror_strerror(code)) ?? "error \(code.rawValue)")")
        }
        defer { icalcomponent_free(root) }
        let calendars: [OpaquePointer]
        switch icalcomponent_isa(root) {
        case ICAL_VCALENDAR_COMPONENT: calendars = [root]
        case ICAL_XROOT_COMPONENT: calendars = LibICal.components(root, ICAL_VCALENDAR_COMPONENT)
        default: calendars = []
        }
        guard !calendars.isEmpty else {
            throw .noCalendar(found: LibICal.string(icalcomponent_kind_to_string(icalcomponent_isa(root))) ?? "nothing")
        }
        let window = (Int(from.timeIntervalSince1970.rounded(.down)), Int(to.timeIntervalSince1970.rounded(.up)))
        var shifts: [FixedShift] = []
        var warnings: [String] = []
        for calendar in calendars {
            let zones = ICalZoneResolver(calendar: calendar, defaultZone: defaultZone)
            var found = Importer(matcher: matcher, anyone: anyone, window: window)
            found.add(calendar: calendar, zones)
            shifts += found.shifts
            warnings += zones.warnings + found.warnings
        }
        shifts.sort { ($0.start, $0.end, $0.person) < ($1.start, $1.end, $1.person) }
        return Result(shifts: shifts, warnings: warnings)
    }
}

/// The work of one `VCALENDAR`: group its events by `UID`, resolve instances, match people.
private struct Importer {
    /// Who events may name.
    let matcher: PersonMatcher
    /// Every event counts, whoever it names (holiday calendars): shifts of "*".
    let anyone: Bool
    /// `[from, to)` in whole seconds since 1970.
    let window: (Int, Int)
    /// Shifts found so far, unsorted.
    var shifts: [FixedShift] = []
    /// Warnings so far, in calendar order.
    var warnings: [String] = []

    /// Adds the shifts of `calendar`'s events: masters expanded minus their `RECURRENCE-ID`
    /// instances, then the instances that are not cancelled.
    mutating func add(calendar: OpaquePointer, _ zones: ICalZoneResolver) {
        for prop in LibICal.properties(calendar, ICAL_XLICERROR_PROPERTY) {
            warnings.append("libical: \(LibICal.string(icalproperty_get_xlicerror(prop)) ?? "parse error")")
        }
        var series: [String: (masters: [ICalEvent], instances: [ICalEvent])] = [:]
        var order: [String] = []
        for (i, component) in LibICal.components(calendar, ICAL_VEVENT_COMPONENT).enumerated() {
            for prop in LibICal.properties(component, ICAL_XLICERROR_PROPERTY) {
                warnings.append("libical: \(LibICal.string(icalproperty_get_xlicerror(prop)) ?? "parse error")")
            }
            switch ICalEvent.read(component, index: i, zones) {
            case .failure(let w):
                warnings.append(w.text)
            case .success(let event):
                if series[event.uid] == nil { order.append(event.uid) }
                if event.recurrenceID == nil {
                    series[event.uid, default: ([], [])].masters.append(event)
                } else {
                    series[event.uid, default: ([], [])].instances.append(event)
                }
            }
        }
        for uid in order {
            guard let (masters, instances) = series[uid] else { continue }
            if masters.contains(where: \.cancelled) { continue }  // a cancelled series, instances included
            for master in masters {
                let moved = instances.compactMap(\.recurrenceID)
                let kept = master.occurrences(from: window.0, to: window.1) { warnings.append($0) }
                    .filter { o in !moved.contains(where: { o.isNamed(by: $0) }) }
                emit(master, kept)
            }
            for instance in instances where !instance.cancelled {
                // A moved instance has no rule of its own: its occurrence is its DTSTART.
                let single = ICalEvent(
                    uid: instance.uid, summary: instance.summary, attendees: instance.attendees, cancelled: false,
                    start: instance.start, nominalLength: instance.nominalLength, exactLength: instance.exactLength,
                    recurrenceID: nil, rules: [], rdates: [], exdates: [])
                emit(instance, single.occurrences(from: window.0, to: window.1) { warnings.append($0) })
            }
        }
    }

    /// Shifts for `occurrences` of `event`, or a warning when it names nobody known or has
    /// occurrences that do not end after they start.
    private mutating func emit(_ event: ICalEvent, _ occurrences: [ICalOccurrence]) {
        guard !occurrences.isEmpty else { return }
        let people = anyone ? [PersonID("*")] : matcher.people(summary: event.summary, attendees: event.attendees)
        guard !people.isEmpty else {
            warnings.append("\(event.label): names nobody known (SUMMARY, ATTENDEE), skipped")
            return
        }
        let valid = occurrences.filter { $0.end > $0.start }
        if valid.count < occurrences.count { warnings.append("\(event.label): occurrences that do not end after they start, skipped") }
        for o in valid {
            for p in people {
                shifts.append(FixedShift(p, from: Date(timeIntervalSince1970: Double(o.start)), to: Date(timeIntervalSince1970: Double(o.end))))
            }
        }
    }
}
