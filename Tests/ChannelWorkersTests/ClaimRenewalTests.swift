import AlertCore
import Foundation
import Synchronization
import Testing
import TestFakes
import WorkerKit
import YAMLConfig
@testable import ChannelWorkers
import TestSupport

/// Claims outlive long sends: one loop renews every claim a worker holds. Checked in parts that
/// do not race the clock of a loaded machine: the loop's bookkeeping with an injected renewal,
/// the renewal's effect on the real Redis, and `holding` registering a claim for its send.
@Suite struct ClaimRenewalTests {
    final class Renewed: Sendable {
        let rounds = Mutex<[[String]]>([])
        func add(_ keys: [String]) { rounds.withLock { $0.append(keys.sorted()) } }
        var all: [[String]] { rounds.withLock { $0 } }
    }

    @Test func oneLoopRenewsWhatIsHeldAndStopsWhenNothingIs() async throws {
        let renewed = Renewed()
        let renewals = ClaimRenewals(every: .milliseconds(20)) { held in renewed.add(held.map(\.key)) }
        renewals.hold("a", token: "ta")
        renewals.hold("b", token: "tb")
        // (Generous waits: a loaded full run has starved this process's tasks for 10 s and more.)
        try await waitFor("both renewed in one round", seconds: 60) { renewed.all.contains(["a", "b"]) }
        renewals.release("a")
        let before = renewed.all.count
        try await waitFor("b alone renewed", seconds: 60) { renewed.all.dropFirst(before).contains(["b"]) }
        renewals.release("b")
        #expect(renewals.count == 0)
        // Nothing held: the loop ends, and renews nothing more; a new claim starts it again.
        try await waitFor("the loop ended", seconds: 60) { !renewals.isLooping }
        let idle = renewed.all.count
        try await Task.sleep(for: .milliseconds(100))
        #expect(renewed.all.count == idle, "renewing with nothing held")
        renewals.hold("c", token: "tc")
        #expect(renewals.isLooping)
        try await waitFor("c renewed by a new loop", seconds: 60) { renewed.all.dropFirst(idle).contains(["c"]) }
        renewals.release("c")
    }

    @Test func aRenewalExtendsOnlyThisSendersClaims() async throws {
        _ = try TestEnvironment.redis()
        let ns = TestEnvironment.namespace()
        // A claim TTL of 5 minutes: nothing here can expire while a loaded machine runs it.
        let yaml = TestEnvironment.configYAML(namespace: ns).replacingOccurrences(of: "claim_ttl: 10s", with: "claim_ttl: 300s")
        let config = try ConfigLoader.parse(yaml, environment: ["TEST_TOKEN": TestEnvironment.token])
        let redis = SharedRedis(config.redis)
        defer { redis.close() }
        let quiet = Logger(process: "test", minimum: .error, sink: Logger.Sink { _ in })
        let claims = DeliveryClaims(config: config, redis: redis, logger: quiet)
        guard case .granted(let token) = await claims.claim(["mine"])[0] else {
            Issue.record("not granted")
            return
        }
        let mine = RedisKeys.deliveryClaim(ns, "mine")
        let theirs = RedisKeys.deliveryClaim(ns, "theirs")
        defer { Task { _ = try? await redis.command(["DEL", mine, theirs]) } }
        // Both set past the claim TTL, so that a renewal shows as a shorter expiry.
        _ = try await redis.command(["SET", theirs, "their-token", "PX", "600000"])
        _ = try await redis.command(["PEXPIRE", mine, "600000"])
        await DeliveryClaims.renew([(mine, token), (theirs, token)], redis: redis, ttlMillis: claims.claimTTL)
        let ttl = config.delivery.claimTTLMillis
        let renewed = try await redis.command(["PTTL", mine]).integer ?? 0
        #expect(renewed > 0 && renewed <= ttl, "this sender's claim is set to the claim TTL: \(renewed) ms")
        #expect(try await redis.command(["PTTL", theirs]).integer ?? 0 > ttl, "another sender's claim is left alone")
    }

    @Test func aSendHoldsItsClaimWhileItRuns() async throws {
        let config = try TestEnvironment.config(namespace: "t")
        let quiet = Logger(process: "test", minimum: .error, sink: Logger.Sink { _ in })
        let claims = DeliveryClaims(config: config, redis: RedisOutage(), logger: quiet)
        let during = await claims.holding("n1", .granted(token: "x")) { claims.renewals.count }
        #expect(during == 1 && claims.renewals.count == 0)
        // Without a claim of its own (Redis could not say), nothing is renewed.
        #expect(await claims.holding("n2", .unknown) { claims.renewals.count } == 0)
    }
}
