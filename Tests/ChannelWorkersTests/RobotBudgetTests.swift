import AlertCore
import ChannelWorkers
import Foundation
import Testing
import TestFakes
import WorkerKit

/// `RedisBudget` over the in-memory Redis (its scripts carried out in Swift on a manual clock)
/// against `LocalBudget`, the in-process reference the script follows: the same sends at the
/// same instants get the same decisions. And over a Redis outage it falls back to pacing the
/// process on its own.
@Suite struct RobotBudgetTests {
    /// A send of `cost` requests, `after` ms after the previous one.
    struct Send: Sendable {
        var after: Int64
        var cost: Int
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var limits: [RateLimit]
        var sends: [Send]
        /// Expected wait per send (0: granted).
        var waits: [Int64]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "within the limit", limits: [RateLimit(messages: 3, windowMillis: 60_000)],
            sends: [Send(after: 0, cost: 1), Send(after: 1_000, cost: 1), Send(after: 1_000, cost: 1)], waits: [0, 0, 0]),
        Case(
            name: "over the limit: wait until the oldest leaves", limits: [RateLimit(messages: 2, windowMillis: 60_000)],
            sends: [Send(after: 0, cost: 1), Send(after: 10_000, cost: 1), Send(after: 5_000, cost: 1), Send(after: 45_000, cost: 1)],
            waits: [0, 0, 45_000, 0]),
        Case(
            name: "a cost of several needs room for all", limits: [RateLimit(messages: 3, windowMillis: 10_000)],
            sends: [Send(after: 0, cost: 2), Send(after: 1_000, cost: 2), Send(after: 9_000, cost: 2)], waits: [0, 9_000, 0]),
        Case(
            name: "two limits: the longest wait wins",
            limits: [RateLimit(messages: 5, windowMillis: 1_000), RateLimit(messages: 2, windowMillis: 60_000)],
            sends: [Send(after: 0, cost: 1), Send(after: 100, cost: 1), Send(after: 100, cost: 1)], waits: [0, 0, 59_800]),
    ]

    @Test(arguments: cases) func redisScriptDecidesAsTheLocalReference(_ c: Case) async throws {
        let redis = InMemoryRedis()
        let budget = RedisBudget(redis: redis, logger: FakeWorkerRun.quietLogger)
        let local = LocalBudget()
        var redisWaits: [Int64] = [], localWaits: [Int64] = []
        for send in c.sends {
            redis.clock.advance(millis: send.after)
            let now = Date(timeIntervalSince1970: Double(redis.clock.nowMillis) / 1000)
            redisWaits.append(Self.wait(await budget.acquire("k", cost: send.cost, limits: c.limits)))
            localWaits.append(Self.wait(local.decide("k", cost: send.cost, limits: c.limits, now: now)))
        }
        #expect(redisWaits == c.waits)
        #expect(localWaits == c.waits)
    }

    @Test func settleMovesTheGrantToWhenTheRequestsEnded() async throws {
        let redis = InMemoryRedis()
        let budget = RedisBudget(redis: redis, logger: FakeWorkerRun.quietLogger)
        let limits = [RateLimit(messages: 1, windowMillis: 60_000)]
        guard case .granted(let grant) = await budget.acquire("k", cost: 1, limits: limits) else {
            Issue.record("the first send is granted")
            return
        }
        redis.clock.advance(millis: 20_000)  // the request took 20 s
        await budget.settle("k", grant, limits: limits)
        redis.clock.advance(millis: 45_000)
        #expect(Self.wait(await budget.acquire("k", cost: 1, limits: limits)) == 15_000, "the window counts from the completion")
    }

    @Test func redisOutageFallsBackToThisProcessAlone() async throws {
        let budget = RedisBudget(redis: RedisOutage(), logger: FakeWorkerRun.quietLogger)
        let limits = [RateLimit(messages: 1, windowMillis: 3_600_000)]
        #expect(Self.wait(await budget.acquire("k", cost: 1, limits: limits)) == 0)
        #expect(Self.wait(await budget.acquire("k", cost: 1, limits: limits)) > 0, "still paced, within this process")
    }

    static func wait(_ d: BudgetDecision) -> Int64 {
        if case .wait(let ms) = d { return ms }
        return 0
    }
}
