import TimeKit
/// Half-open intervals `[start, end)` sorted by start, with a running maximum of ends, so the
/// intervals containing an instant are found by a binary search and a short walk back.
///
/// The walk stops at the first position whose running maximum end is at or before the instant:
/// no interval at or before it can contain the instant. Intervals with equal starts keep their
/// input order. Positions (`0..<count`) are that sorted order.
struct IntervalIndex<Element: Sendable>: Sendable {
    private let starts: [Double]
    private let ends: [Double]
    private let maxEnds: [Double]
    /// The elements in sorted order.
    let elements: [Element]

    /// Indexes `items`; empty intervals (`end <= start`) are dropped.
    init(_ items: [(start: Double, end: Double, element: Element)]) {
        let sorted = items.enumerated()
            .filter { $0.element.end > $0.element.start }
            .sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
            .map(\.element)
        starts = sorted.map(\.start)
        ends = sorted.map(\.end)
        elements = sorted.map(\.element)
        var running = -Double.infinity
        maxEnds = sorted.map {
            running = max(running, $0.end); return running
        }
    }

    /// How many intervals start at or before `t`.
    private func countStarting(atOrBefore t: Double) -> Int {
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if starts[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Calls `body` with the position of each interval that contains `t`, latest start first.
    func forEach(containing t: Double, _ body: (Int) -> Void) {
        var i = countStarting(atOrBefore: t) - 1
        while i >= 0 && maxEnds[i] > t {
            if ends[i] > t { body(i) }
            i -= 1
        }
    }

    /// Whether any interval contains `t`.
    func anyContains(_ t: Double) -> Bool {
        var i = countStarting(atOrBefore: t) - 1
        while i >= 0 && maxEnds[i] > t {
            if ends[i] > t { return true }
            i -= 1
        }
        return false
    }

    /// The starts and ends of intervals overlapping `(from, to)` that lie strictly inside it.
    func edges(from: Double, to: Double) -> [Double] {
        var edges: [Double] = []
        var i = countStarting(atOrBefore: to) - 1
        while i >= 0 && maxEnds[i] > from {
            if ends[i] > from {
                if starts[i] > from && starts[i] < to { edges.append(starts[i]) }
                if ends[i] < to { edges.append(ends[i]) }
            }
            i -= 1
        }
        return edges
    }
}
