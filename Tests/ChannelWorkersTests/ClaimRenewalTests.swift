import AlertCore
import Foundation
import Testing
import WorkerKit
import YAMLConfig
@testable import ChannelWorkers
import TestSupport

/// A send that outlasts the claim's TTL keeps its claim: one loop renews every claim the
/// worker holds, every third of the TTL, on the real Redis.
@Suite struct ClaimRenewalTests {
    @Test func longSendsKeepTheirClaimsAndGiveThemBack() async throws {
        _ = try TestEnvironment.redis()
        let ns = TestEnvironment.namespace()
        let yaml = TestEnvironment.configYAML(namespace: ns).replacingOccurrences(of: "claim_ttl: 10s", with: "claim_ttl: 3s")
        let config = try ConfigLoader.parse(yaml, environment: ["TEST_TOKEN": TestEnvironment.token])
        #expect(config.delivery.claimTTLMillis == 3000)
        let redis = SharedRedis(config.redis)
        defer { redis.close() }
        let quiet = Logger(process: "test", minimum: .error, sink: Logger.Sink { _ in })
        let claims = DeliveryClaims(config: config, redis: redis, logger: quiet)
        let first = await claims.claim("n1")
        let second = await claims.claim("n2")
        guard case .granted = first, case .granted = second else {
            Issue.record("claims not granted: \(first), \(second)")
            return
        }
        // Two sends of 8 s each, over two TTLs: another sender asking after 6.5 s is told to wait.
        // (A renewal every 1 s leaves a loaded machine 2 s of slack.)
        async let a: Void = claims.holding("n1", first) { try? await Task.sleep(for: .seconds(8)) }
        async let b: Void = claims.holding("n2", second) { try? await Task.sleep(for: .seconds(8)) }
        try await Task.sleep(for: .seconds(6.5))
        let other = DeliveryClaims(config: config, redis: redis, logger: quiet)
        #expect(await other.claim("n1") == .held)
        #expect(await other.claim("n2") == .held)
        #expect(claims.renewals.count == 2)
        _ = await (a, b)
        #expect(claims.renewals.count == 0, "a finished send's claim is no longer renewed")
        await claims.finish("n1", first, delivered: true)
        await claims.finish("n2", second, delivered: false)
        #expect(await other.claim("n1") == .delivered)
        let again = await other.claim("n2")
        if case .granted = again {} else { Issue.record("n2's claim was not given back: \(again)") }
        for key in ["n1", "n2"].flatMap({ [RedisKeys.delivered(ns, $0), RedisKeys.deliveryClaim(ns, $0)] }) {
            _ = try? await redis.command(["DEL", key])
        }
    }
}
