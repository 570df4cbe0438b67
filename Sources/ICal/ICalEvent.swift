internal import CICal
import OnCall
import TimeKit

/// A date or date-time as written in the file: its wall-clock seconds (see `ZoneClock`), whether
/// it is a date (`VALUE=DATE`), and the zone that turns it into an instant.
struct ICalTime {
    /// Wall-clock seconds; midnight for a date.
    let local: Int
    /// Whether the value is a date (all-day).
    let isDate: Bool
    /// The zone its wall time is read in.
    let zone: ICalZone
    /// A key telling zones apart, to see whether two times share a wall clock: the `TZID`, `Z`
    /// for UTC, empty for floating and dates.
    let zoneKey: String

    /// The instant, seconds since 1970.
    var instant: Int { zone.instant(ofLocal: local) }

    /// The time in `prop`'s value `value`: a date is read in the calendar's zone (all-day events
    /// span their days there), a `…Z` time in UTC, a `TZID` time in that zone, a floating time
    /// in the calendar's zone.
    init(_ prop: OpaquePointer, _ value: icaltimetype, _ zones: ICalZoneResolver) {
        local = LibICal.localSeconds(value)
        isDate = value.is_date != 0
        if isDate {
            zone = zones.calendarZone
            zoneKey = ""
        } else {
            let utc = icaltime_is_utc(value) != 0
            let tzid = utc ? nil : LibICal.tzid(prop)
            zone = zones.zone(tzid: tzid, isUTC: utc)
            zoneKey = utc ? "Z" : (tzid ?? "")
        }
    }
}

/// One `VEVENT` as read from libical, before expansion.
struct ICalEvent {
    /// `UID` (a generated one when missing, so the event stands alone).
    let uid: String
    /// `SUMMARY`, if any.
    let summary: String?
    /// `ATTENDEE` values (`mailto:…`).
    let attendees: [String]
    /// `STATUS:CANCELLED`.
    let cancelled: Bool
    /// `DTSTART`.
    let start: ICalTime
    /// Wall-clock seconds from start to end: the days of a `DURATION`, or `DTEND - DTSTART` when
    /// both share a wall clock, so a shift ends at the same wall time after a DST change.
    let nominalLength: Int
    /// Elapsed seconds added after `nominalLength`: the hours of a `DURATION`, or `DTEND - DTSTART`
    /// as instants when they are in different zones.
    let exactLength: Int
    /// `RECURRENCE-ID`: the occurrence of the series this component replaces.
    let recurrenceID: ICalTime?
    /// `RRULE`s (usually one).
    let rules: [icalrecurrencetype]
    /// `RDATE`s, each with an end instant when written as a period.
    let rdates: [(time: ICalTime, end: Int?)]
    /// `EXDATE`s.
    let exdates: [ICalTime]

    /// `"uid" (summary)`, for warnings.
    var label: String { "event \(uid)" + (summary.map { " \"\($0)\"" } ?? "") }

    /// Reads `component` (a `VEVENT`); the failure is a warning naming the problem.
    static func read(_ component: OpaquePointer, index: Int, _ zones: ICalZoneResolver) -> Result<ICalEvent, ICalWarning> {
        let uid = LibICal.property(component, ICAL_UID_PROPERTY).flatMap { LibICal.string(icalproperty_get_uid($0)) } ?? "#\(index)"
        let summary = LibICal.property(component, ICAL_SUMMARY_PROPERTY).flatMap { LibICal.string(icalproperty_get_summary($0)) }
        guard let dtstart = LibICal.property(component, ICAL_DTSTART_PROPERTY) else {
            return .failure(ICalWarning("event \(uid): no DTSTART, skipped"))
        }
        let start = ICalTime(dtstart, icalproperty_get_dtstart(dtstart), zones)
        var nominal = start.isDate ? 86_400 : 0
        var exact = 0
        if let dtend = LibICal.property(component, ICAL_DTEND_PROPERTY) {
            let end = ICalTime(dtend, icalproperty_get_dtend(dtend), zones)
            if end.zoneKey == start.zoneKey && end.isDate == start.isDate {
                (nominal, exact) = (end.local - start.local, 0)
            } else {
                (nominal, exact) = (0, end.instant - start.instant)
            }
        } else if let p = LibICal.property(component, ICAL_DURATION_PROPERTY) {
            (nominal, exact) = lengths(icalproperty_get_duration(p))
        }
        let recurrenceID = LibICal.property(component, ICAL_RECURRENCEID_PROPERTY).map {
            ICalTime($0, icalproperty_get_recurrenceid($0), zones)
        }
        let rdates = LibICal.properties(component, ICAL_RDATE_PROPERTY).map { p -> (time: ICalTime, end: Int?) in
            let value = icalproperty_get_rdate(p)
            guard icalperiodtype_is_null_period(value.period) == 0 else { return (ICalTime(p, value.time, zones), nil) }
            let begin = ICalTime(p, value.period.start, zones)
            if icaltime_is_null_time(value.period.end) == 0 { return (begin, ICalTime(p, value.period.end, zones).instant) }
            let (n, e) = lengths(value.period.duration)
            return (begin, begin.zone.instant(ofLocal: begin.local + n) + e)
        }
        return .success(
            ICalEvent(
                uid: uid, summary: summary,
                attendees: LibICal.properties(component, ICAL_ATTENDEE_PROPERTY).compactMap { LibICal.string(icalproperty_get_attendee($0)) },
                cancelled: LibICal.property(component, ICAL_STATUS_PROPERTY).map { icalproperty_get_status($0) == ICAL_STATUS_CANCELLED } ?? false,
                start: start, nominalLength: nominal, exactLength: exact, recurrenceID: recurrenceID,
                rules: LibICal.properties(component, ICAL_RRULE_PROPERTY).map { icalproperty_get_rrule($0) },
                rdates: rdates,
                exdates: LibICal.properties(component, ICAL_EXDATE_PROPERTY).map { ICalTime($0, icalproperty_get_exdate($0), zones) }))
    }

    /// A `DURATION` as (nominal wall seconds, exact seconds): RFC 5545 §3.3.6 counts days and
    /// weeks on the wall clock and hours, minutes and seconds as elapsed time.
    static func lengths(_ d: icaldurationtype) -> (Int, Int) {
        let sign = d.is_neg != 0 ? -1 : 1
        let nominal = (Int(d.weeks) * 7 + Int(d.days)) * 86_400
        let exact = Int(d.hours) * 3600 + Int(d.minutes) * 60 + Int(d.seconds)
        return (sign * nominal, sign * exact)
    }
}

/// One line for the import's warnings.
struct ICalWarning: Error {
    /// The text.
    let text: String
    /// A warning saying `text`.
    init(_ text: String) { self.text = text }
}
