import AMQP
import AlertCore
import ChannelWorkers
import Redis
import Synchronization
import Testing
import TestFakes
import WorkerKit

/// `ChannelWorker`'s claim policy over the in-memory Redis (running `DeliveryClaims`' scripts
/// in Swift) and broker: what is sent, what is skipped, what waits, and what is recorded.
@Suite struct DeliveryClaimTests {
    static let topology = Topology(namespace: "t")
    static let queue = topology.notifyQueue(.email)
    static let id = "n1"

    /// What is in Redis before the notification arrives.
    enum Before: Sendable { case nothing, delivered, claimedElsewhere, claimLapsed, outage }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var before: Before
        var deliverResult: Result<Void, DeliveryError> = .success(())
        var sends: Int
        /// Where the message ends (`nil`: acked and gone).
        var endsIn: String?
        var endsAsAttempt: Int64? = nil
        var recordedDelivered: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "fresh: sent once, recorded delivered", before: .nothing, sends: 1, endsIn: nil, recordedDelivered: true),
        Case(name: "already delivered: skipped and acked", before: .delivered, sends: 0, endsIn: nil, recordedDelivered: true),
        Case(
            name: "held by another sender: waits, attempt kept", before: .claimedElsewhere, sends: 0,
            endsIn: topology.delayQueue(of: queue, delayMillis: 10_000), endsAsAttempt: 1, recordedDelivered: false),
        Case(name: "a crashed sender's claim lapsed: sent", before: .claimLapsed, sends: 1, endsIn: nil, recordedDelivered: true),
        Case(name: "Redis unreachable: sent anyway", before: .outage, sends: 1, endsIn: nil, recordedDelivered: false),
        Case(
            name: "send fails: retried, not recorded", before: .nothing, deliverResult: .failure(.transient(.network, "SMTP down")), sends: 1,
            endsIn: topology.delayQueue(of: queue, delayMillis: 10_000), endsAsAttempt: 2, recordedDelivered: false),
    ]

    @Test(arguments: cases) func claimDecides(_ c: Case) async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let memory = InMemoryRedis()
        let delivered = RedisKeys.delivered("t", Self.id), claim = RedisKeys.deliveryClaim("t", Self.id)
        switch c.before {
        case .nothing, .outage: break
        case .delivered: memory.run(["SET", delivered, "1", "PX", "86400000"])
        case .claimedElsewhere: memory.run(["SET", claim, "other-sender", "PX", String(config.delivery.claimTTLMillis)])
        case .claimLapsed:
            memory.run(["SET", claim, "crashed-sender", "PX", String(config.delivery.claimTTLMillis)])
            memory.clock.advance(millis: config.delivery.claimTTLMillis)
        }
        let redis: any RedisCommanding = c.before == .outage ? RedisOutage() : memory
        let sends = Counted()
        let definition = ChannelWorker.definition(
            channel: .email, config: config, redis: redis, concurrency: 1,
            logger: FakeWorkerRun.quietLogger, metrics: Metrics()
        ) { _ in
            sends.add()
            return c.deliverResult
        }
        let n = AlertNotification(id: Self.id, channel: "email", recipients: ["ops@example.com"], route: "default", alert: FakeFixtures.alert("a1"))
        try await broker.publish(FakeFixtures.message(Codec.encode(n), to: Self.queue, id: n.id))

        await FakeWorkerRun.drain(definition, config: config, broker: broker)

        #expect(sends.value == c.sends)
        #expect(broker.settlements.map(\.how) == [.ack])
        if let target = c.endsIn {
            let m = try #require(broker.messages(in: target).first)
            #expect(m.headers[Topology.Header.attempt]?.intValue == c.endsAsAttempt)
        } else {
            #expect(broker.messages(in: Self.topology.delayQueue(of: Self.queue, delayMillis: 10_000)).isEmpty)
        }
        #expect((memory.string(delivered) != nil) == c.recordedDelivered)
        if c.before == .nothing {
            #expect(memory.string(claim) == nil, "the claim is given back once done")
        }
        if c.before == .claimedElsewhere {
            #expect(memory.string(claim) == "other-sender", "the holder's claim is left alone")
        }
    }

    @Test func deliveredRecordLastsTheIdempotencyTTL() async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let redis = InMemoryRedis()
        let definition = ChannelWorker.definition(
            channel: .email, config: config, redis: redis, concurrency: 1,
            logger: FakeWorkerRun.quietLogger, metrics: Metrics()
        ) { _ in .success(()) }
        let n = AlertNotification(id: Self.id, channel: "email", recipients: ["ops@example.com"], route: "default", alert: FakeFixtures.alert("a1"))
        try await broker.publish(FakeFixtures.message(Codec.encode(n), to: Self.queue, id: n.id))
        await FakeWorkerRun.drain(definition, config: config, broker: broker)
        #expect(redis.ttlMillis(RedisKeys.delivered("t", Self.id)) == config.delivery.idempotencyTTLMillis)
    }

    @Test func wrongChannelIsDeadLetteredUnsent() async throws {
        let config = try FakeFixtures.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let sends = Counted()
        let definition = ChannelWorker.definition(
            channel: .email, config: config, redis: InMemoryRedis(), concurrency: 1,
            logger: FakeWorkerRun.quietLogger, metrics: Metrics()
        ) { _ in
            sends.add()
            return .success(())
        }
        let n = AlertNotification(id: Self.id, channel: "wecom", recipients: ["bot"], route: "default", alert: FakeFixtures.alert("a1"))
        try await broker.publish(FakeFixtures.message(Codec.encode(n), to: Self.queue, id: n.id))
        await FakeWorkerRun.drain(definition, config: config, broker: broker)
        #expect(sends.value == 0)
        #expect(broker.messages(in: Self.topology.deadLetterQueue(of: Self.queue)).count == 1)
    }
}

/// A counter shared with a `Deliver` closure.
final class Counted: Sendable {
    private let n = Atomic<Int>(0)
    func add() { n.add(1, ordering: .relaxed) }
    var value: Int { n.load(ordering: .relaxed) }
}
