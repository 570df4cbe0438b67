import Foundation

/// Converts between instants and wall-clock time in one IANA zone, fast and with one fixed rule
/// for the times a DST change skips or repeats.
///
/// "Local seconds" are seconds since 1970-01-01T00:00 on the zone's wall clock, as if the wall
/// clock were UTC: `localSeconds(of: t) = t + offset(t)`. A local date is
/// `floor(localSeconds / 86400)` days since 1970-01-01, so day and hour arithmetic on wall time
/// is integer arithmetic.
///
/// **The DST rule** (`instant(ofLocalSeconds:)`), the same as RFC 5545 §3.3.5:
/// - a wall time that does not exist (spring-forward gap, e.g. 02:30 in Europe/Berlin on
///   2026-03-29) is read with the offset in force *before* the gap, so it lands the gap's length
///   later on the wall clock: 02:30 → 03:30 CEST (01:30Z);
/// - a wall time that occurs twice (fall-back, 02:30 in Berlin on 2026-10-25) is its *earlier*
///   occurrence: 02:30 CEST (00:30Z).
///
/// Offsets come from Foundation's `TimeZone` (tzdata on Linux). `Calendar.date(from:)` is not
/// used for wall → instant because its choice for skipped and repeated times is not specified
/// the same on every platform; the zone's transitions between 1900 and 2200 are read once, at
/// construction, into a sorted table bucketed by ~24 days, so an offset is an array read and a
/// step or two, and no call into Foundation happens on the hot path. Outside that range
/// `TimeZone` is asked directly.
public struct ZoneClock: Sendable {
    /// The zone.
    public let timeZone: TimeZone
    /// Instants (whole seconds since 1970) at which the offset changes, ascending.
    private let transitions: [Int]
    /// `offsets[i]` is in force from `transitions[i - 1]` (or the table's start) to `transitions[i]`.
    private let offsets: [Int]
    private let tableStart: Int
    private let tableEnd: Int
    /// `buckets[b]` = how many transitions lie before the start of bucket `b` (2^21 s ≈ 24 days
    /// each, from `tableStart`), so a lookup starts next to its answer instead of searching.
    private let buckets: [Int32]
    private static let bucketShift = 21

    /// The first instant the transition table covers (1900-01-01T00:00Z).
    public static let defaultTableStart = -2_208_988_800
    /// The instant the transition table ends (2200-01-01T00:00Z).
    public static let defaultTableEnd = 7_258_118_400

    /// Builds the clock and its transition table for `timeZone`.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        tableStart = Self.defaultTableStart
        tableEnd = Self.defaultTableEnd
        var transitions: [Int] = []
        var offsets = [timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(tableStart)))]
        var cursor = Date(timeIntervalSince1970: Double(tableStart))
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < Double(tableEnd) {
            let t = Int(next.timeIntervalSince1970.rounded(.down))
            let offset = timeZone.secondsFromGMT(for: next)
            if offset != offsets[offsets.count - 1] {
                transitions.append(t)
                offsets.append(offset)
            }
            guard next > cursor else { break }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
        var buckets: [Int32] = []
        var i = 0
        for b in 0...((tableEnd - tableStart) >> Self.bucketShift) {
            let bucketStart = tableStart + b << Self.bucketShift
            while i < transitions.count && transitions[i] < bucketStart { i += 1 }
            buckets.append(Int32(i))
        }
        self.buckets = buckets
    }

    /// The zone's offset from UTC in seconds at instant `t` (whole seconds since 1970).
    public func offset(atSecond t: Int) -> Int {
        guard t >= tableStart, t < tableEnd else {
            return timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
        }
        // Count the transitions at or before t, starting from the bucket's count: a bucket holds
        // at most a few transitions (tzdata never changes an offset more than a few times a month).
        var i = Int(buckets[(t - tableStart) >> Self.bucketShift])
        while i < transitions.count && transitions[i] <= t { i += 1 }
        return offsets[i]
    }

    /// The wall-clock seconds (see the type's comment) of instant `t`, rounded down to the second.
    public func localSeconds(of t: Date) -> Int {
        localSeconds(ofSecond: Int(t.timeIntervalSince1970.rounded(.down)))
    }

    /// The wall-clock seconds of instant `t` given in whole seconds since 1970.
    public func localSeconds(ofSecond t: Int) -> Int { t + offset(atSecond: t) }

    /// The local date of instant `t` in this zone.
    public func localDate(of t: Date) -> LocalDate {
        LocalDate(daysSinceEpoch: Self.floorDiv(localSeconds(of: t), 86_400))
    }

    /// The instant (whole seconds since 1970) of wall-clock seconds `local`, by the DST rule in
    /// the type's comment: a skipped time moves forward by the gap, a repeated one is the earlier.
    public func instant(ofLocalSeconds local: Int) -> Int {
        // The offsets in force a day either side cover any single transition near `local`.
        let before = offset(atSecond: local - 86_400)
        let after = offset(atSecond: local + 86_400)
        let a = local - before
        if before == after { return a }
        let b = local - after
        let aValid = offset(atSecond: a) == before
        let bValid = offset(atSecond: b) == after
        switch (aValid, bValid) {
        case (true, true): return min(a, b)  // repeated wall time: the earlier occurrence
        case (true, false): return a
        case (false, true): return b
        case (false, false): return a  // skipped wall time: read with the offset before the gap
        }
    }

    /// The instant of `time` on `date` in this zone, by the DST rule in the type's comment.
    public func instant(of date: LocalDate, at time: LocalTime) -> Date {
        Date(timeIntervalSince1970: Double(instant(ofLocalSeconds: date.daysSinceEpoch * 86_400 + time.secondsOfDay)))
    }

    /// Floor division (rounds toward negative infinity), for wall-clock arithmetic before 1970.
    @inline(__always)
    public static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
