import AlertCore
import Foundation
import Redis
import Testing
import WorkerKit
import ChannelWorkers
import TestSupport

/// The robot budget: a sliding log whose slots count from when a request *completed*.
@Suite struct ChatBudgetTests {
    let limits = [RateLimit(messages: 2, windowMillis: 1000)]

    @Test func localBudgetAdmitsUpToTheLimitThenSaysHowLongToWait() {
        let b = LocalBudget()
        let t0 = Date(timeIntervalSince1970: 1000)
        guard case .granted = b.decide("r", cost: 1, limits: limits, now: t0) else { Issue.record("first"); return }
        guard case .granted = b.decide("r", cost: 1, limits: limits, now: t0.addingTimeInterval(0.1)) else { Issue.record("second"); return }
        #expect(b.decide("r", cost: 1, limits: limits, now: t0.addingTimeInterval(0.2)) == .wait(millis: 800))
        guard case .granted = b.decide("r", cost: 1, limits: limits, now: t0.addingTimeInterval(1.0)) else { Issue.record("reopened"); return }
    }

    @Test func settlingMovesTheWindowToTheCompletion() {
        let b = LocalBudget()
        let t0 = Date(timeIntervalSince1970: 1000)
        guard case .granted(let g) = b.decide("r", cost: 2, limits: limits, now: t0) else { Issue.record("grant"); return }
        // The requests took 0.5 s: the platform may have counted them as late as that.
        b.settle("r", g, now: t0.addingTimeInterval(0.5))
        #expect(b.decide("r", cost: 1, limits: limits, now: t0.addingTimeInterval(1.0)) == .wait(millis: 500))
    }

    @Test func redisBudgetIsSharedAndSettles() async throws {
        _ = try TestEnvironment.redis()
        let redis = SharedRedis(try TestEnvironment.config(namespace: "unused").redis)
        defer { redis.close() }
        let key = "\(TestEnvironment.namespace()):chat:budget:test"
        let long = [RateLimit(messages: 2, windowMillis: 600_000)]  // nothing leaves it during the test
        // Two "replicas" sharing one Redis budget.
        let a = RedisBudget(redis: redis, logger: Logger(process: "t", minimum: .error))
        let b = RedisBudget(redis: redis, logger: Logger(process: "t", minimum: .error))
        guard case .granted(let g) = await a.acquire(key, cost: 1, limits: long) else { Issue.record("a"); return }
        guard case .granted = await b.acquire(key, cost: 1, limits: long) else { Issue.record("b"); return }
        guard case .wait(let w) = await a.acquire(key, cost: 1, limits: long) else { Issue.record("the third must wait"); return }
        #expect(w > 0 && w <= 600_000)

        // Settling re-stamps the grant's slot with Redis's time at the settle.
        let before = try await redisMillis(redis)
        await a.settle(key, g, limits: long)
        let score = try await redis.command(["ZSCORE", key, "\(g.id):1"]).string.flatMap(Double.init)
        #expect((score ?? 0) >= Double(before), "slot \(String(describing: score)) must be stamped at or after \(before)")
        #expect(try await redis.command(["ZCARD", key]).integer == 2, "settle moves slots, never adds")
        _ = try await redis.command(["DEL", key])
    }

    func redisMillis(_ redis: SharedRedis) async throws -> Int64 {
        guard case .array(let t) = try await redis.command(["TIME"]), let s = t.first?.integer, let us = t.last?.integer else {
            throw TestFailure("TIME")
        }
        return s * 1000 + us / 1000
    }
}
