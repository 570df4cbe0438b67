import TimeKit
/// A rotation layer: people take turns in shifts of a fixed length, handing off at a wall-clock
/// time in the schedule's zone.
///
/// Shift `k` (k = 0 starts at `start` on `startDate`) belongs to `people[k % people.count]`;
/// before shift 0 nobody is on call. Repeats in `people` are allowed (`[a, a, b]` = two shifts for
/// a, one for b).
///
/// **Hand-offs follow the wall clock** (see `ZoneClock` for skipped and repeated times):
/// - `.days(n)` (daily, weekly, every N days): shift k starts at `handoff` on
///   `startDate + k·n` days, so a 09:00 hand-off is 09:00 before and after a DST change and the
///   shift that crosses the change is an hour shorter or longer.
/// - `.hours(n)` with n dividing 24 (hourly, every 2, 3, 4, 6, 8, 12 hours): shift k starts at
///   wall time `handoff + k·n` hours, so boundaries stay on the same wall-clock labels every day
///   (09:00 and 21:00 for 12-hour shifts). On the spring-forward day the label inside the gap
///   resolves to the end of the gap, so the shift that would start there has length zero and its
///   person is skipped for that cycle; on the fall-back day the label of the repeated hour is its
///   first occurrence, so that shift is an hour longer.
/// - `.hours(n)` with n not dividing 24 (every 5, 7, 36 hours…): there is no daily wall-clock
///   pattern to keep, so shifts are exactly n elapsed hours from the first hand-off instant, and
///   their wall-clock labels move by the DST change.
public struct Rotation: Sendable, Hashable {
    /// The length of one shift.
    public enum Frequency: Sendable, Hashable {
        /// Shifts of N hours.
        case hours(Int)
        /// Shifts of N calendar days.
        case days(Int)

        /// One-hour shifts.
        public static let hourly = Frequency.hours(1)
        /// One-day shifts.
        public static let daily = Frequency.days(1)
        /// Seven-day shifts.
        public static let weekly = Frequency.days(7)
    }

    /// Who takes turns, in order; repeats allowed. An empty list puts nobody on call.
    public let people: [PersonID]
    /// The local date of the first hand-off, in the schedule's zone.
    public let startDate: LocalDate
    /// The wall-clock hand-off time, in the schedule's zone.
    public let handoff: LocalTime
    /// The shift length. A count below 1 puts nobody on call (validation reports it).
    public let frequency: Frequency
    /// When the layer applies at all (days of week and/or a daily window); nil = always.
    public let restriction: Restriction?

    /// A rotation of `people` whose first shift starts at `handoff` on `startDate`.
    public init(people: [PersonID], startDate: LocalDate, handoff: LocalTime, frequency: Frequency, restriction: Restriction? = nil) {
        self.people = people
        self.startDate = startDate
        self.handoff = handoff
        self.frequency = frequency
        self.restriction = restriction
    }

    /// How hand-off instants are spaced.
    enum Stepping {
        /// Every `step` wall-clock seconds, each resolved in the zone.
        case wall(step: Int)
        /// Every `step` elapsed seconds after the first hand-off instant.
        case elapsed(step: Int)
    }

    /// The spacing of hand-offs; nil when the frequency count is below 1.
    var stepping: Stepping? {
        switch frequency {
        case .days(let n) where n >= 1: return .wall(step: n * 86_400)
        case .hours(let n) where n >= 1: return 24 % n == 0 ? .wall(step: n * 3600) : .elapsed(step: n * 3600)
        default: return nil
        }
    }

    /// Wall-clock seconds of the first hand-off.
    var anchorLocal: Int { startDate.daysSinceEpoch * 86_400 + handoff.secondsOfDay }

    /// The instant (whole seconds) at which shift `k` starts.
    func handoffInstant(_ k: Int, _ stepping: Stepping, _ clock: ZoneClock) -> Int {
        switch stepping {
        case .wall(let step): return clock.instant(ofLocalSeconds: anchorLocal + k * step)
        case .elapsed(let step): return clock.instant(ofLocalSeconds: anchorLocal) + k * step
        }
    }

    /// The shift containing instant `ts` (whole seconds): the k with
    /// `handoff(k) <= ts < handoff(k + 1)`; negative before the rotation starts. Computed from the
    /// anchor arithmetically, then corrected by at most a step or two around DST changes.
    func shiftIndex(atSecond ts: Int, _ stepping: Stepping, _ clock: ZoneClock) -> Int {
        switch stepping {
        case .elapsed(let step):
            return ZoneClock.floorDiv(ts - clock.instant(ofLocalSeconds: anchorLocal), step)
        case .wall(let step):
            var k = ZoneClock.floorDiv(clock.localSeconds(ofSecond: ts) - anchorLocal, step)
            while handoffInstant(k, stepping, clock) > ts { k -= 1 }
            while handoffInstant(k + 1, stepping, clock) <= ts { k += 1 }
            return k
        }
    }

    /// The person of shift `k`, nil before the start or with nobody in the rotation.
    func person(ofShift k: Int) -> PersonID? {
        guard k >= 0, !people.isEmpty else { return nil }
        return people[k % people.count]
    }

    /// Who the rotation (ignoring its restriction) has on call at `ts`.
    func onCall(atSecond ts: Int, _ clock: ZoneClock) -> PersonID? {
        guard let stepping, !people.isEmpty else { return nil }
        return person(ofShift: shiftIndex(atSecond: ts, stepping, clock))
    }

    /// Hand-off instants strictly inside `(from, to)`, ascending.
    func handoffs(from: Int, to: Int, _ clock: ZoneClock) -> [Int] {
        guard let stepping, !people.isEmpty, from < to else { return [] }
        let first = max(shiftIndex(atSecond: from, stepping, clock) + 1, 0)
        let last = shiftIndex(atSecond: to, stepping, clock)
        guard first <= last else { return [] }
        return (first...last).map { handoffInstant($0, stepping, clock) }.filter { $0 > from && $0 < to }
    }
}
