import Foundation
import Testing
import WorkerKit

@Suite struct RateLimitedLogTests {
    @Test func repeatsAreSuppressedUntilTheIntervalThenCounted() {
        let log = RateLimitedLog(intervalSeconds: 30)
        let t0: UInt64 = 1_000_000_000_000
        #expect(log.shouldLog("redis down", clock: { t0 }) == 0)
        #expect(log.shouldLog("redis down", clock: { t0 + 1_000_000_000 }) == nil)
        #expect(log.shouldLog("redis down", clock: { t0 + 29_000_000_000 }) == nil)
        #expect(log.shouldLog("redis down", clock: { t0 + 30_000_000_000 }) == 2)
        // Another message is logged at once.
        #expect(log.shouldLog("broker down", clock: { t0 + 30_000_000_001 }) == 0)
    }

    @Test func aClockReadBeforeAnotherThreadsLogDoesNotTrap() {
        let log = RateLimitedLog(intervalSeconds: 30)
        let t0: UInt64 = 1_000_000_000_000
        #expect(log.shouldLog("a", clock: { t0 }) == 0)
        // A caller whose clock reads earlier than the last log (it read the clock, then another
        // thread logged): suppressed, not an arithmetic overflow.
        #expect(log.shouldLog("a", clock: { t0 - 5 }) == nil)
    }

    /// Every call of `calls` per worker from `workers` tasks at once, with a clock fixed at `t0`.
    func hammer(_ log: RateLimitedLog, workers: Int = 8, calls: Int = 5_000, message: @escaping @Sendable (Int, Int) -> String) async -> [Int?] {
        await withTaskGroup(of: [Int?].self) { group in
            for worker in 0..<workers {
                group.addTask { (0..<calls).map { i in log.shouldLog(message(worker, i), clock: { Self.t0 }) } }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
    }

    static let t0: UInt64 = 1_000_000_000_000

    @Test func concurrentCallersOfOneMessageAreCountedExactly() async {
        // One message from 8 tasks at once, all inside the interval: exactly one call logs,
        // every other is suppressed and counted, and the log after the interval reports them all.
        let log = RateLimitedLog(intervalSeconds: 30)
        let results = await hammer(log) { _, _ in "redis down" }
        // Counts, not the 40,000 results: a failure must not print them all.
        #expect(results.count == 40_000)
        #expect(results.count { $0 != nil } == 1, "exactly one call logs")
        #expect(results.first { $0 != nil } == .some(0), "reporting nothing suppressed before it")
        #expect(log.shouldLog("redis down", clock: { Self.t0 + 30_000_000_000 }) == 39_999)
    }

    @Test func concurrentCallersWithAlternatingMessagesLoseNoCount() async {
        // Whatever the interleaving, a call either logs, reporting the calls suppressed since the
        // previous log, or is suppressed and counted: the reports plus what is still pending add
        // up to exactly the suppressed calls.
        let log = RateLimitedLog(intervalSeconds: 30)
        let results = await hammer(log) { worker, i in (worker + i) % 2 == 0 ? "a" : "b" }
        let reports = results.compactMap { $0 }
        let suppressed = results.count { $0 == nil }
        // Counts and sums, not the 40,000 results: a failure must not print them all.
        #expect(reports.count + suppressed == 40_000)
        #expect(reports.count >= 2, "each message logs at least once")
        let pending = log.shouldLog("another", clock: { Self.t0 })
        #expect(reports.reduce(0, +) + (pending ?? -1) == suppressed)
    }
}
