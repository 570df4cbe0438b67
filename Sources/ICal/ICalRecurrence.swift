internal import CICal
import OnCall
import TimeKit

/// One occurrence of an event: instants (seconds since 1970) and its start on the event's wall
/// clock, which `RECURRENCE-ID`s and `EXDATE`s written as dates are matched against.
struct ICalOccurrence: Hashable {
    /// Start instant.
    let start: Int
    /// End instant (exclusive).
    let end: Int
    /// Start in wall-clock seconds of the event's zone.
    let localStart: Int

    /// Whether `t` (an `EXDATE` or a `RECURRENCE-ID`) names this occurrence: a date names the
    /// occurrences starting on that wall-clock day, a date-time the one starting at that instant.
    func isNamed(by t: ICalTime) -> Bool {
        if t.isDate { return ZoneClockMath.day(localStart) == ZoneClockMath.day(t.local) }
        return start == t.instant
    }
}

/// Floor arithmetic on wall-clock seconds.
enum ZoneClockMath {
    /// The day number (since 1970-01-01) of wall-clock seconds `local`.
    static func day(_ local: Int) -> Int { local >= 0 ? local / 86_400 : (local - 86_399) / 86_400 }
}

extension ICalEvent {
    /// How many occurrences one `RRULE` may produce before expansion stops (a `FREQ=SECONDLY`
    /// rule from years ago must not hang a refresh).
    static let maxIterations = 200_000

    /// The occurrences overlapping `[from, to)` (instants): `DTSTART` expanded by the `RRULE`s
    /// through libical's iterator, plus `RDATE`s, minus `EXDATE`s, without repeats, by start.
    /// `RECURRENCE-ID` instances are the caller's business (libical leaves them in too).
    ///
    /// Expansion runs on the wall clock: libical's iterator is given `DTSTART` as a floating time
    /// and each wall time it returns is turned into an instant here, in the event's zone. That
    /// keeps a weekly 09:00 shift at 09:00 across DST in zones libical misreads as UTC (Windows
    /// names, floating times). `UNTIL` is taken off the rule and checked here for the same reason:
    /// libical compares it against the floating times as if they were UTC.
    func occurrences(from: Int, to: Int, warn: (String) -> Void) -> [ICalOccurrence] {
        var starts: [Int] = []
        if rules.isEmpty {
            starts.append(start.local)
        }
        for var rule in rules {
            let until = rule.until
            rule.until = icaltime_null_time()
            let limit = untilCheck(until)
            guard let iterator = icalrecur_iterator_new(rule, LibICal.wallTime(start.local, isDate: start.isDate)) else {
                warn("\(label): libical rejects its RRULE, only DTSTART used")
                starts.append(start.local)
                continue
            }
            defer { icalrecur_iterator_free(iterator) }
            var count = 0
            while true {
                let next = icalrecur_iterator_next(iterator)
                if icaltime_is_null_time(next) != 0 { break }
                let local = LibICal.localSeconds(next)
                if !limit(local) || start.zone.instant(ofLocal: local) >= to { break }
                starts.append(local)
                count += 1
                if count >= Self.maxIterations {
                    warn("\(label): expansion stopped after \(count) occurrences")
                    break
                }
            }
        }
        var out: [ICalOccurrence] = []
        var seen: Set<Int> = []
        for local in starts {
            let s = start.zone.instant(ofLocal: local)
            out.append(ICalOccurrence(start: s, end: start.zone.instant(ofLocal: local + nominalLength) + exactLength, localStart: local))
        }
        for (time, end) in rdates {
            let local: Int
            if time.isDate {
                local = time.local + (start.isDate ? 0 : start.local - ZoneClockMath.day(start.local) * 86_400)
            } else {
                local = start.zone.local(ofInstant: time.instant)
            }
            let s = start.zone.instant(ofLocal: local)
            out.append(ICalOccurrence(start: s, end: end ?? start.zone.instant(ofLocal: local + nominalLength) + exactLength, localStart: local))
        }
        return
            out
            .filter { o in o.end > from && o.start < to && !exdates.contains(where: { o.isNamed(by: $0) }) }
            .sorted { ($0.start, $0.end) < ($1.start, $1.end) }
            .filter { seen.insert($0.start).inserted }
    }

    /// A test for `UNTIL` on wall-clock seconds (inclusive, RFC 5545 §3.3.10): a UTC `UNTIL`
    /// against the occurrence's instant, a date against its wall-clock day, a floating one
    /// against its wall time. No `UNTIL`: always true.
    private func untilCheck(_ until: icaltimetype) -> (Int) -> Bool {
        guard icaltime_is_null_time(until) == 0 else { return { _ in true } }
        let untilLocal = LibICal.localSeconds(until)
        if until.is_date != 0 {
            let lastDay = ZoneClockMath.day(untilLocal)
            return { ZoneClockMath.day($0) <= lastDay }
        }
        if icaltime_is_utc(until) != 0 {
            let zone = start.zone
            return { zone.instant(ofLocal: $0) <= untilLocal }
        }
        return { $0 <= untilLocal }
    }
}
