import Foundation
internal import CICal
import OnCall
import TimeKit

/// How wall-clock times of one `TZID` (or of floating times) become instants.
///
/// libical's own zone handling is not used for names it does not know: it reads a Windows
/// `TZID` (`China Standard Time`) and floating times, even with `X-WR-TIMEZONE`, silently as UTC.
/// So every wall time goes through OnCall's `ZoneClock` (tzdata, the same DST rule as schedules:
/// a skipped time moves forward by the gap, a repeated one is its earlier occurrence), except a
/// `TZID` that is no IANA or Windows name but is defined by a `VTIMEZONE` in the calendar, which
/// only libical can read.
enum ICalZone {
    /// UTC (`…Z` times).
    case utc
    /// An IANA zone, through `ZoneClock`.
    case clock(ZoneClock)
    /// A `VTIMEZONE` of the calendar, through libical. The pointer belongs to the parsed
    /// calendar and is valid only while it lives (the duration of one import).
    case vtimezone(OpaquePointer)

    /// The instant (seconds since 1970) of wall-clock seconds `local` in this zone.
    func instant(ofLocal local: Int) -> Int {
        switch self {
        case .utc:
            return local
        case .clock(let clock):
            return clock.instant(ofLocalSeconds: local)
        case .vtimezone(let zone):
            // icaltime_as_timet_with_zone reads the wall fields in `zone`, whatever tt.zone says.
            return Int(icaltime_as_timet_with_zone(LibICal.wallTime(local, isDate: false), zone))
        }
    }

    /// The wall-clock seconds of instant `t` in this zone.
    func local(ofInstant t: Int) -> Int {
        switch self {
        case .utc:
            return t
        case .clock(let clock):
            return clock.localSeconds(ofSecond: t)
        case .vtimezone(let zone):
            return LibICal.localSeconds(icaltime_from_timet_with_zone(time_t(t), 0, zone))
        }
    }
}

/// Resolves the zone names of one calendar, caching one `ZoneClock` per name, and collects a
/// warning for each name it cannot resolve.
final class ICalZoneResolver {
    /// The calendar (`VCALENDAR`) whose `VTIMEZONE`s may define names.
    private let calendar: OpaquePointer
    /// The calendar's zone: `X-WR-TIMEZONE` if it names a zone, else the caller's default. Used
    /// for floating times, all-day events and unknown `TZID`s.
    private(set) var calendarZone: ICalZone
    private var cache: [String: ICalZone] = [:]
    /// One line per unknown zone name.
    private(set) var warnings: [String] = []

    /// A resolver for `calendar`, whose floating times fall back to `defaultZone`.
    init(calendar: OpaquePointer, defaultZone: TimeZone) {
        self.calendar = calendar
        calendarZone = .clock(ZoneClock(timeZone: defaultZone))
        if let name = LibICal.xProperty(calendar, named: "X-WR-TIMEZONE")?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            if let zone = Self.foundationZone(name) {
                calendarZone = .clock(ZoneClock(timeZone: zone))
            } else {
                warnings.append("X-WR-TIMEZONE \"\(name)\" is not a known zone; floating times use \(defaultZone.identifier)")
            }
        }
    }

    /// The zone of a time written with `tzid` (nil: floating), or UTC when the value ended in `Z`.
    func zone(tzid: String?, isUTC: Bool) -> ICalZone {
        if isUTC { return .utc }
        guard let tzid, !tzid.isEmpty else { return calendarZone }
        if let known = cache[tzid] { return known }
        let zone: ICalZone
        if let tz = Self.foundationZone(tzid) {
            zone = .clock(ZoneClock(timeZone: tz))
        } else if let defined = icalcomponent_get_timezone(calendar, tzid) {
            zone = .vtimezone(defined)
        } else {
            warnings.append("TZID \"\(tzid)\" is neither an IANA nor a Windows zone and has no VTIMEZONE; read in the calendar's zone")
            zone = calendarZone
        }
        cache[tzid] = zone
        return zone
    }

    /// A tzdata zone for `name`: a Windows name through the CLDR table, an IANA id, or an IANA id
    /// behind a path prefix (`/mozilla.org/20050126_1/Europe/Berlin`,
    /// `/freeassociation.sourceforge.net/Tzfile/Europe/Berlin`).
    static func foundationZone(_ name: String) -> TimeZone? {
        let trimmed = name.trimmingCharacters(in: CharacterSet(charactersIn: "\" ").union(.whitespaces))
        if let iana = WindowsZones.iana(for: trimmed) { return TimeZone(identifier: iana) }
        // Only ids with a region part: TimeZone(identifier:) also accepts abbreviations such as
        // "EST", which tzdata does not mean the way a calendar author might.
        if trimmed.contains("/") || trimmed == "UTC" || trimmed == "GMT" {
            if let tz = TimeZone(identifier: trimmed) { return tz }
        }
        let parts = trimmed.split(separator: "/")
        for k in stride(from: min(3, parts.count - 1), through: 2, by: -1) where parts.count > k {
            if let tz = TimeZone(identifier: parts.suffix(k).joined(separator: "/")) { return tz }
        }
        return nil
    }
}
