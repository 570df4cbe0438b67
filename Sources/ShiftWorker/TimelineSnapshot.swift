import Foundation
import OnCall

/// A schedule's timeline as a replica last saw it, stored in Redis
/// (`RedisKeys.shiftTimeline`) so a replica that starts (a restart, a new pod after a config
/// change) compares the roster with what the fleet saw before, not with nothing: who is on call
/// when, within the window it was taken for. The layer or override behind a shift is not kept
/// (a change of source alone is no change for the people).
///
/// Text: the window's start in Unix ms on the first line, then `person<TAB>start<TAB>end` (ms).
struct TimelineSnapshot: Equatable {
    var window: Date
    var shifts: [Shift]

    var text: String {
        ([String(Self.millis(window))] + shifts.map { "\($0.personID.rawValue)\t\(Self.millis($0.start))\t\(Self.millis($0.end))" })
            .joined(separator: "\n")
    }

    init(window: Date, shifts: [Shift]) {
        self.window = window
        self.shifts = shifts
    }

    /// Reads `text`; nil for anything else (an unreadable snapshot is as good as none).
    init?(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty, let w = Int64(lines.removeFirst()) else { return nil }
        var shifts: [Shift] = []
        for line in lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 3, !f[0].isEmpty, let s = Int64(f[1]), let e = Int64(f[2]), s < e else { return nil }
            shifts.append(Shift(personID: PersonID(String(f[0])), start: Self.date(s), end: Self.date(e), source: .layer(0)))
        }
        self.init(window: Self.date(w), shifts: shifts)
    }

    static func millis(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}
