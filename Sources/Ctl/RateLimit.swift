import Foundation

/// `--rate N/s` (or `N/m`, or a bare `N` per second): spaces operations evenly so that at most
/// N happen per second, sleeping before each one that would come too early.
struct RateLimit {
    let intervalNanos: UInt64
    private var next: UInt64 = 0

    init?(_ text: String) {
        var s = Substring(text)
        var per = 1.0
        if s.hasSuffix("/s") { s = s.dropLast(2) } else if s.hasSuffix("/m") { s = s.dropLast(2); per = 60 }
        guard let n = Double(s), n > 0, n.isFinite else { return nil }
        intervalNanos = UInt64(per / n * 1e9)
    }

    /// Blocks until the next operation may run.
    mutating func wait() {
        let now = DispatchTime.now().uptimeNanoseconds
        if next > now { usleep(useconds_t((next - now) / 1000)) }
        next = max(now, next) + intervalNanos
    }
}
