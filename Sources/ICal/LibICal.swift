internal import CICal
import OnCall
import TimeKit

/// Small helpers over libical's C API, so the rest of the target reads like Swift.
///
/// Lifetimes: strings libical hands out from getters (`icalproperty_get_summary`,
/// `icalparameter_get_tzid`, …) belong to the property and die with the component tree, so they
/// are copied into Swift `String`s at once. Strings from `_r` functions are ours and are freed
/// here after copying. Nothing returned from this file points into libical memory.
enum LibICal {
    /// The properties of `kind` on `component`, collected into an array first: libical keeps a
    /// single property cursor per component, so a nested walk of the same component (another
    /// kind, or a getter that walks) would otherwise disturb the outer loop.
    static func properties(_ component: OpaquePointer, _ kind: icalproperty_kind) -> [OpaquePointer] {
        var out: [OpaquePointer] = []
        var p = icalcomponent_get_first_property(component, kind)
        while let prop = p {
            out.append(prop)
            p = icalcomponent_get_next_property(component, kind)
        }
        return out
    }

    /// The child components of `kind`, collected first for the same reason as `properties`.
    static func components(_ component: OpaquePointer, _ kind: icalcomponent_kind) -> [OpaquePointer] {
        var out: [OpaquePointer] = []
        var c = icalcomponent_get_first_component(component, kind)
        while let child = c {
            out.append(child)
            c = icalcomponent_get_next_component(component, kind)
        }
        return out
    }

    /// The first property of `kind`, if any.
    static func property(_ component: OpaquePointer, _ kind: icalproperty_kind) -> OpaquePointer? {
        icalcomponent_get_first_property(component, kind)
    }

    /// A copy of a C string libical owns; nil for NULL.
    static func string(_ c: UnsafePointer<CChar>?) -> String? {
        c.map { String(cString: $0) }
    }

    /// A copy of a C string from a `_r` function, which the caller owns; frees it.
    static func takeString(_ c: UnsafeMutablePointer<CChar>?) -> String? {
        guard let c else { return nil }
        defer { icalmemory_free_buffer(c) }
        return String(cString: c)
    }

    /// The `TZID` parameter of `prop`, if any (a copy).
    static func tzid(_ prop: OpaquePointer) -> String? {
        guard let param = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER) else { return nil }
        return string(icalparameter_get_tzid(param))
    }

    /// The value of an `X-` property named `name` (case-insensitive) on `component`.
    static func xProperty(_ component: OpaquePointer, named name: String) -> String? {
        for prop in properties(component, ICAL_X_PROPERTY) {
            guard let x = string(icalproperty_get_x_name(prop)), x.uppercased() == name.uppercased() else { continue }
            return string(icalproperty_get_x(prop))
        }
        return nil
    }

    /// The wall-clock fields of `t` as "local seconds" (seconds since 1970-01-01T00:00 on a wall
    /// clock read as if it were UTC), the unit `ZoneClock` works in. The zone is ignored.
    static func localSeconds(_ t: icaltimetype) -> Int {
        let days = LocalDate(Int(t.year), Int(t.month), Int(t.day)).daysSinceEpoch
        if t.is_date != 0 { return days * 86_400 }
        return days * 86_400 + Int(t.hour) * 3600 + Int(t.minute) * 60 + Int(t.second)
    }

    /// A floating (zone-less) `icaltimetype` for wall-clock seconds `local`; a date when `isDate`.
    static func wallTime(_ local: Int, isDate: Bool) -> icaltimetype {
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let date = LocalDate(daysSinceEpoch: days)
        let s = local - days * 86_400
        var t = icaltime_null_time()
        t.year = Int32(date.year)
        t.month = Int32(date.month)
        t.day = Int32(date.day)
        if isDate {
            t.is_date = 1
        } else {
            t.hour = Int32(s / 3600)
            t.minute = Int32(s / 60 % 60)
            t.second = Int32(s % 60)
        }
        return t
    }
}
