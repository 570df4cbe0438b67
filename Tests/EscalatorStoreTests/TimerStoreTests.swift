import AlertCore
import EscalatorStore
import Foundation
import Testing

/// `TimerStore` against the real Redis: scheduling, claiming with leases, completing, cancelling.
@Suite struct TimerStoreTests {
    @Test func claimTakesOnlyDueTimersEarliestFirstAndCompleteRemovesThem() async throws {
        try await StoreHarness.run { h in
            let timers = h.timers
            try await timers.schedule("late", at: t0.plus(ms: 10))
            try await timers.schedule("now", at: t0)
            try await timers.schedule("early", at: t0.plus(ms: -10))

            let claimed = try await timers.claimDue(now: t0, limit: 10, leaseMillis: 30_000, owner: "a")
            #expect(claimed == ["early", "now"])
            #expect(try await h.leaseOwner("early") == "a")
            #expect(try await timers.due("now") == t0.plus(ms: 30_000), "a claimed timer is re-scored to its lease's end")
            #expect(try await timers.due("late") == t0.plus(ms: 10), "not yet due: untouched")
            #expect(try await timers.claimDue(now: t0, limit: 10, leaseMillis: 30_000, owner: "b").isEmpty, "leased timers are not due")

            #expect(try await timers.complete("early", owner: "a"))
            #expect(try await timers.due("early") == nil)
            #expect(try await h.leaseOwner("early") == nil)
            #expect(try await timers.complete("early", owner: "a") == false, "completing twice changes nothing")
        }
    }

    @Test func limitBoundsOneClaim() async throws {
        try await StoreHarness.run { h in
            for i in 0..<5 { try await h.timers.schedule("i\(i)", at: t0.plus(ms: Int64(i))) }
            #expect(try await h.timers.claimDue(now: t0.plus(ms: 10), limit: 2, leaseMillis: 1000, owner: "a") == ["i0", "i1"])
            #expect(try await h.timers.claimDue(now: t0.plus(ms: 10), limit: 0, leaseMillis: 1000, owner: "a").isEmpty)
            #expect(try await h.timers.claimDue(now: t0.plus(ms: 10), limit: 9, leaseMillis: 1000, owner: "a") == ["i2", "i3", "i4"])
        }
    }

    @Test func scheduleReplacesTheTimerAndItsLease() async throws {
        try await StoreHarness.run { h in
            let timers = h.timers
            try await timers.schedule("x", at: t0.plus(ms: 500))
            try await timers.schedule("x", at: t0)
            #expect(try await timers.due("x") == t0, "one timer per incident: the later schedule wins")
            #expect(try await timers.claimDue(now: t0, limit: 10, leaseMillis: 60_000, owner: "a") == ["x"])
            // The claimer fired it and the incident's next timer was scheduled before completing.
            try await timers.schedule("x", at: t0.plus(ms: 10_000))
            #expect(try await h.leaseOwner("x") == nil)
            #expect(try await timers.complete("x", owner: "a") == false, "the next timer must survive the old claim's completion")
            #expect(try await timers.due("x") == t0.plus(ms: 10_000))
        }
    }

    @Test func anExpiredLeaseIsClaimableAgainAndOnlyTheNewOwnerCompletes() async throws {
        try await StoreHarness.run { h in
            let timers = h.timers
            try await timers.schedule("x", at: t0)
            #expect(try await timers.claimDue(now: t0, limit: 1, leaseMillis: 1000, owner: "a") == ["x"])
            // Replica a crashed. Until its lease ends nobody else gets the timer; then b does.
            #expect(try await timers.claimDue(now: t0.plus(ms: 999), limit: 1, leaseMillis: 1000, owner: "b").isEmpty)
            #expect(try await timers.claimDue(now: t0.plus(ms: 1000), limit: 1, leaseMillis: 1000, owner: "b") == ["x"])
            #expect(try await h.leaseOwner("x") == "b")
            #expect(try await timers.complete("x", owner: "a") == false, "a lost its lease")
            #expect(try await timers.due("x") == t0.plus(ms: 2000))
            #expect(try await timers.complete("x", owner: "b"))
            #expect(try await h.keyCount() == 0)
        }
    }

    @Test func cancelRemovesTheTimerAndItsLease() async throws {
        try await StoreHarness.run { h in
            let timers = h.timers
            try await timers.schedule("x", at: t0)
            try await timers.schedule("y", at: t0)
            #expect(try await timers.claimDue(now: t0, limit: 1, leaseMillis: 1000, owner: "a") == ["x"])
            #expect(try await timers.cancel("x"))
            #expect(try await timers.cancel("y"))
            #expect(try await timers.cancel("y") == false)
            #expect(try await h.leaseOwner("x") == nil)
            #expect(try await timers.claimDue(now: t0.plus(ms: 86_400_000), limit: 10, leaseMillis: 1000, owner: "b").isEmpty)
            #expect(try await timers.complete("x", owner: "a") == false)
        }
    }
}
