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

    @Test func concurrentCallersWithAlternatingMessages() async {
        let log = RateLimitedLog(intervalSeconds: 30)
        let logged = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask { (0..<20_000).reduce(0) { n, i in n + (log.shouldLog((worker + i) % 2 == 0 ? "a" : "b") == nil ? 0 : 1) } }
            }
            return await group.reduce(0, +)
        }
        #expect(logged > 0)
    }
}
