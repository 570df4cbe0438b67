import Foundation
internal import CICal
import OnCall
import TimeKit

/// Publishes a schedule's timeline as an iCalendar feed (calendar subscriptions, Grafana OnCall
/// or another Klaxon importing it), built with libical's component API, never by templating text.
///
/// One `VEVENT` per shift: `UID` `<schedule>/<person>/<start as yyyyMMddTHHmmssZ>@klaxon` (the
/// same shift keeps its UID across refreshes, so calendar clients update instead of
/// duplicating), `DTSTART`/`DTEND` in UTC, `SUMMARY` `On call: <name> (<schedule>)` (the name
/// falls back to the person id), and an `ATTENDEE` `mailto:` when the person has an e-mail.
/// `ICalImport` reads such a calendar back to the same shifts.
public enum ICalExport {
    /// The `PRODID` of exported calendars.
    public static let productID = "-//Klaxon//OnCall//EN"

    /// A `VCALENDAR` named `name` with one `VEVENT` per shift of `shifts`; `people` give names and
    /// e-mails; `stamp` is every event's `DTSTAMP` (when the feed was generated).
    public static func calendar(name: String, shifts: [Shift], people: [Person], stamp: Date = Date()) -> String {
        calendar(name: name, schedules: [(name, shifts)], people: people, stamp: stamp)
    }

    /// A `VCALENDAR` named `name` with one `VEVENT` per shift of several schedules (a person's
    /// feed): each event's `UID` and `SUMMARY` name the schedule its shift belongs to.
    public static func calendar(
        name: String, schedules: [(schedule: String, shifts: [Shift])], people: [Person],
        stamp: Date = Date()
    ) -> String {
        let byID = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Components own the properties added to them, and the calendar owns its events: one
        // icalcomponent_free of the calendar releases the whole tree.
        let calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT)
        defer { icalcomponent_free(calendar) }
        icalcomponent_add_property(calendar, icalproperty_new_version("2.0"))
        icalcomponent_add_property(calendar, icalproperty_new_prodid(productID))
        icalcomponent_add_property(calendar, icalproperty_new_method(ICAL_METHOD_PUBLISH))
        let calName = icalproperty_new_x(name)
        icalproperty_set_x_name(calName, "X-WR-CALNAME")
        icalcomponent_add_property(calendar, calName)
        let dtstamp = utcTime(stamp)
        for (schedule, shifts) in schedules {
            for shift in shifts where shift.end > shift.start {
                let person = byID[shift.personID]
                let event = icalcomponent_new(ICAL_VEVENT_COMPONENT)
                icalcomponent_add_property(event, icalproperty_new_uid(uid(schedule: schedule, shift: shift)))
                icalcomponent_add_property(event, icalproperty_new_dtstamp(dtstamp))
                icalcomponent_add_property(event, icalproperty_new_dtstart(utcTime(shift.start)))
                icalcomponent_add_property(event, icalproperty_new_dtend(utcTime(shift.end)))
                icalcomponent_add_property(event, icalproperty_new_summary("On call: \(person?.name ?? shift.personID.rawValue) (\(schedule))"))
                if let person, let email = person.email {
                    let attendee = icalproperty_new_attendee("mailto:\(email)")
                    icalproperty_add_parameter(attendee, icalparameter_new_cn(person.name))
                    icalcomponent_add_property(event, attendee)
                }
                icalcomponent_add_component(calendar, event)
            }
        }
        // _r: the caller owns the buffer (the plain variant returns libical's ring buffer, which
        // a later call may overwrite); copy it, then free it with libical's deallocator.
        return LibICal.takeString(icalcomponent_as_ical_string_r(calendar)) ?? ""
    }

    /// The stable `UID` of `shift` in schedule `schedule`.
    public static func uid(schedule: String, shift: Shift) -> String {
        "\(schedule)/\(shift.personID.rawValue)/\(basicUTC(shift.start))@klaxon"
    }

    /// `t` as a libical UTC date-time (whole seconds).
    private static func utcTime(_ t: Date) -> icaltimetype {
        icaltime_from_timet_with_zone(time_t(t.timeIntervalSince1970.rounded(.down)), 0, icaltimezone_get_utc_timezone())
    }

    /// `20260328T080000Z`.
    private static func basicUTC(_ t: Date) -> String {
        let days = ZoneClockMath.day(Int(t.timeIntervalSince1970.rounded(.down)))
        let d = LocalDate(daysSinceEpoch: days)
        let s = Int(t.timeIntervalSince1970.rounded(.down)) - days * 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(d.year)\(two(d.month))\(two(d.day))T\(two(s / 3600))\(two(s / 60 % 60))\(two(s % 60))Z"
    }
}
