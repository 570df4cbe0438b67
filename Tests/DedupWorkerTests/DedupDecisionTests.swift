import AMQP
import AlertCore
import DedupWorker
import Testing
import TestFakes
import WorkerKit

/// Dedup decisions over the in-memory Redis (running `DedupScripts` in Swift) and broker: what
/// reaches the route queue, with which repeat count, as alerts arrive and the clock moves.
@Suite struct DedupDecisionTests {
    static let topology = Topology(namespace: "t")

    /// An alert arriving `after` ms after the previous one (`redelivered`: the same message
    /// again, as after a crash between decision and ack).
    struct Step: Sendable {
        var alert: Alert
        var after: Int64 = 0
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var steps: [Step]
        /// Alerts forwarded, in order, with the repeat count each reports (`nil`: none).
        var forwarded: [(id: String, repeats: Int?)]
        var testDescription: String { name }
    }

    static func firing(_ id: String, _ fp: String = "fp", after: Int64 = 0) -> Step {
        Step(alert: FakeFixtures.alert(id, fingerprint: fp), after: after)
    }
    static func resolved(_ id: String, _ fp: String = "fp", after: Int64 = 0) -> Step {
        Step(alert: FakeFixtures.alert(id, fingerprint: fp, status: .resolved), after: after)
    }
    static let minute: Int64 = 60_000

    static let cases: [Case] = [
        Case(name: "the first alert of a key passes", steps: [firing("a1")], forwarded: [("a1", nil)]),
        Case(name: "a repeat within the window is suppressed", steps: [firing("a1"), firing("a2", after: minute)], forwarded: [("a1", nil)]),
        Case(
            name: "after the window the next passes and reports the repeats",
            steps: [firing("a1"), firing("a2", after: minute), firing("a3", after: minute), firing("a4", after: 4 * minute)],
            forwarded: [("a1", nil), ("a4", 2)]),
        Case(name: "other keys are independent", steps: [firing("a1", "x"), firing("a2", "y")], forwarded: [("a1", nil), ("a2", nil)]),
        Case(
            name: "resolved always passes and reports the repeats", steps: [firing("a1"), firing("a2"), resolved("r1")],
            forwarded: [("a1", nil), ("r1", 1)]),
        Case(name: "resolved without a window passes", steps: [resolved("r1")], forwarded: [("r1", nil)]),
        Case(
            name: "resolved clears the window: the next firing pages at once", steps: [firing("a1"), resolved("r1"), firing("a2")],
            forwarded: [("a1", nil), ("r1", nil), ("a2", nil)]),
        Case(
            name: "the redelivered opener passes again", steps: [firing("a1"), firing("a1", after: minute)], forwarded: [("a1", nil), ("a1", nil)]),
        Case(
            name: "a redelivered opener reports the same count again",
            steps: [firing("a1"), firing("a2"), firing("a3", after: 5 * minute), firing("a3")],
            forwarded: [("a1", nil), ("a3", 1), ("a3", 1)]),
    ]

    @Test(arguments: cases) func decides(_ c: Case) async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let redis = InMemoryRedis()
        let definition = DedupWorker.definition(
            config: config, publisher: broker, redis: redis, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        for step in c.steps {
            redis.clock.advance(millis: step.after)
            try await broker.publish(FakeFixtures.message(Codec.encode(step.alert), to: Self.topology.ingestQueue, id: step.alert.id))
            await FakeWorkerRun.drain(definition, config: config, broker: broker)
        }
        let out = try broker.messages(in: Self.topology.routeQueue).map { try Codec.decode(Alert.self, from: $0.body) }
        #expect(out.map(\.id) == c.forwarded.map(\.id))
        #expect(out.map(\.suppressedRepeats) == c.forwarded.map(\.repeats))
        #expect(broker.settlements.allSatisfy { $0.how == .ack } && broker.settlements.count == c.steps.count, "every alert acked once")
    }

    @Test func aFlushedScriptCacheIsLoadedAgain() async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let redis = InMemoryRedis()
        let definition = DedupWorker.definition(
            config: config, publisher: broker, redis: redis, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        for (i, flush) in [false, true, false].enumerated() {
            if flush { redis.run(["SCRIPT", "FLUSH"]) }
            try await broker.publish(FakeFixtures.message(Codec.encode(FakeFixtures.alert("a\(i)")), to: Self.topology.ingestQueue))
            await FakeWorkerRun.drain(definition, config: config, broker: broker)
        }
        #expect(broker.messages(in: Self.topology.routeQueue).count == 1, "still one window: the NOSCRIPT decision was made once, with EVAL")
        #expect(redis.commands.contains { $0.first == "EVAL" })
    }

    @Test func redisOutageFailsOpenForwardsAndCounts() async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let redis = RedisOutage()
        let metrics = Metrics()
        let definition = DedupWorker.definition(config: config, publisher: broker, redis: redis, logger: FakeWorkerRun.quietLogger, metrics: metrics)
        for a in [FakeFixtures.alert("a1"), FakeFixtures.alert("a2"), FakeFixtures.alert("r1", status: .resolved)] {
            try await broker.publish(FakeFixtures.message(Codec.encode(a), to: Self.topology.ingestQueue, id: a.id))
        }
        await FakeWorkerRun.drain(definition, config: config, broker: broker)

        #expect(redis.attempts >= 1)
        #expect(broker.messages(in: Self.topology.routeQueue).compactMap(\.messageID) == ["a1", "a2", "r1"], "every alert forwarded undecided")
        #expect(metrics.value("klaxon_dedup_decisions_total", ["decision": "fail_open"]) == 2)
        #expect(metrics.value("klaxon_dedup_decisions_total", ["decision": "resolved"]) == 1)
        #expect(metrics.value("klaxon_dedup_redis_errors_total") >= 1)
        #expect(broker.settlements.map(\.how) == [.ack, .ack, .ack])
        #expect(definition.readiness().isEmpty, "fail open: ready without Redis")
    }

    @Test func redisOutageWhileHoldingAndStoppingGivesTheBatchToTheRetryPath() async throws {
        let config = try FakeFixtures.config(extra: "dedup:\n  fail_open: false")
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let definition = DedupWorker.definition(
            config: config, publisher: broker, redis: RedisOutage(), logger: FakeWorkerRun.quietLogger,
            metrics: Metrics())
        #expect(definition.readiness() == ["redis"])
        definition.onStopRequested()
        try await broker.publish(FakeFixtures.message(Codec.encode(FakeFixtures.alert("a1")), to: Self.topology.ingestQueue, id: "a1"))
        await FakeWorkerRun.drain(definition, config: config, broker: broker)

        #expect(broker.messages(in: Self.topology.routeQueue).isEmpty, "never forwarded undecided")
        let retry = broker.messages(in: Self.topology.delayQueue(of: Self.topology.ingestQueue, delayMillis: 10_000))
        #expect(retry.map(\.messageID) == ["a1"])
        #expect(retry.first?.headers[Topology.Header.attempt]?.intValue == 2)
    }

    @Test func forwardFailureLeavesTheAlertUnacked() async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let outage = BrokerOutage()
        let definition = DedupWorker.definition(
            config: config, publisher: outage, redis: InMemoryRedis(), logger: FakeWorkerRun.quietLogger,
            metrics: Metrics())
        try await broker.publish(FakeFixtures.message(Codec.encode(FakeFixtures.alert("a1")), to: Self.topology.ingestQueue, id: "a1"))
        await FakeWorkerRun.drain(definition, config: config, broker: broker, publisher: outage)

        #expect(outage.publishAttempts == 2, "the forward, then the retry publish")
        #expect(broker.settlements.map(\.how) == [.requeue])
        #expect(broker.messages(in: Self.topology.ingestQueue).map(\.messageID) == ["a1"])
    }
}
