import TimeKit
/// Limits when a rotation applies: on some days of the week and/or in a daily wall-clock window,
/// both in the schedule's zone. Outside it the layer has nobody on call (a lower layer shows
/// through). The rotation itself keeps turning: a restriction masks shifts, it does not pause them.
///
/// A window whose end is not after its start wraps midnight (20:00–08:00 runs into the next
/// morning), and `days` are the days the window *starts* on: weekdays with 20:00–08:00 cover
/// Monday evening to Saturday 08:00. A window with equal start and end lasts 24 hours. Window
/// edges in a DST gap or repeat resolve like hand-offs (see `ZoneClock`).
public struct Restriction: Sendable, Hashable {
    /// A daily wall-clock window.
    public struct Window: Sendable, Hashable {
        /// Start of the window.
        public let start: LocalTime
        /// End of the window; at or before `start` means the next day.
        public let end: LocalTime

        /// The window `start`–`end`.
        public init(from start: LocalTime, to end: LocalTime) {
            self.start = start
            self.end = end
        }
    }

    /// The days the restriction applies on (the window's start day); empty = every day.
    public let days: Set<Weekday>
    /// The daily window; nil = the whole day.
    public let window: Window?
    /// Bit `rawValue` set for each allowed weekday (all set when `days` is empty).
    private let dayMask: UInt8

    /// A restriction to `days` (empty = every day) and `window` (nil = all day).
    public init(days: Set<Weekday> = [], window: Window? = nil) {
        self.days = days
        self.window = window
        let allowed = days.isEmpty ? Set(Weekday.allCases) : days
        dayMask = allowed.reduce(0) { $0 | UInt8(1 << $1.rawValue) }
    }

    /// Wall-clock seconds of the start and end of the window that starts on local day `day`.
    private func span(ofDay day: Int) -> (start: Int, end: Int) {
        let ws = window?.start.secondsOfDay ?? 0
        let we = window?.end.secondsOfDay ?? 0
        let base = day * 86_400
        return (base + ws, base + we + (we <= ws ? 86_400 : 0))
    }

    private func allows(day: Int) -> Bool { dayMask & UInt8(1 << Weekday(daysSinceEpoch: day).rawValue) != 0 }

    /// Whether instant `ts` (whole seconds) is inside the restriction. Windows last at most a
    /// day, so only windows starting on the local day of `ts` or the day before can contain it.
    func contains(atSecond ts: Int, _ clock: ZoneClock) -> Bool {
        let day = ZoneClock.floorDiv(clock.localSeconds(ofSecond: ts), 86_400)
        return windowOfDay(day, contains: ts, clock) || windowOfDay(day - 1, contains: ts, clock)
    }

    private func windowOfDay(_ day: Int, contains ts: Int, _ clock: ZoneClock) -> Bool {
        guard allows(day: day) else { return false }
        let s = span(ofDay: day)
        return clock.instant(ofLocalSeconds: s.start) <= ts && ts < clock.instant(ofLocalSeconds: s.end)
    }

    /// Instants where the restriction opens or closes, strictly inside `(from, to)`.
    func edges(from: Int, to: Int, _ clock: ZoneClock) -> [Int] {
        guard from < to else { return [] }
        let first = ZoneClock.floorDiv(clock.localSeconds(ofSecond: from), 86_400) - 1
        let last = ZoneClock.floorDiv(clock.localSeconds(ofSecond: to), 86_400)
        var edges: [Int] = []
        for d in first...last where allows(day: d) {
            let s = span(ofDay: d)
            edges.append(clock.instant(ofLocalSeconds: s.start))
            edges.append(clock.instant(ofLocalSeconds: s.end))
        }
        return edges.filter { $0 > from && $0 < to }
    }
}
