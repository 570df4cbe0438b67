import AMQP
import AlertCore
import Synchronization
import Testing
import TestFakes
import WorkerKit

/// `ConsumeLoop` over the in-memory broker: what happens to a message after each kind of
/// handler result, end to end (republished where, with which headers, settled how).
@Suite struct ConsumeLoopDecisionTests {
    static let topology = Topology(namespace: "t")
    static let queue = topology.routeQueue
    static let delays: [Int64] = [10_000, 60_000]

    /// One handler result for a message arriving as `attempt`, and where it must end up.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var result: Result<Void, DeliveryError>
        var attempt: Int64?
        /// Queue the message ends in (`nil`: gone, acked).
        var endsIn: String?
        var endsAsAttempt: Int64?
        var reasonContains: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "success: ack, nothing republished", result: .success(()), attempt: nil, endsIn: nil),
        Case(
            name: "transient, first try: shortest delay queue as attempt 2", result: .failure(.transient(.network, "down")), attempt: nil,
            endsIn: topology.delayQueue(of: queue, delayMillis: 10_000), endsAsAttempt: 2),
        Case(
            name: "transient, attempt 2: next delay as attempt 3", result: .failure(.transient(.timeout, "slow")), attempt: 2,
            endsIn: topology.delayQueue(of: queue, delayMillis: 60_000), endsAsAttempt: 3),
        Case(
            name: "transient, delays used up: dead letter", result: .failure(.transient(.network, "down")), attempt: 3,
            endsIn: topology.deadLetterQueue(of: queue), endsAsAttempt: 3, reasonContains: "gave up after 3 attempts"),
        Case(
            name: "permanent: dead letter at once with the reason", result: .failure(.permanent(.clientError, "HTTP 400")), attempt: nil,
            endsIn: topology.deadLetterQueue(of: queue), endsAsAttempt: 1, reasonContains: "permanent clientError: HTTP 400"),
        Case(
            name: "in progress elsewhere: shortest delay, attempt kept", result: .failure(.transient(.inProgress, "held")), attempt: 2,
            endsIn: topology.delayQueue(of: queue, delayMillis: 10_000), endsAsAttempt: 2),
    ]

    static func loop(
        _ broker: InMemoryBroker, publisher: (any MessagePublishing)? = nil,
        result: @escaping @Sendable (Delivery) -> Result<Void, DeliveryError>
    ) -> ConsumeLoop {
        ConsumeLoop(
            .init(queue: queue, topology: topology, retry: RetryPolicy(delaysMillis: delays), batchSize: 8, concurrency: 2),
            consumer: broker.consumer(of: queue), publisher: publisher ?? broker, logger: FakeWorkerRun.quietLogger, metrics: Metrics(),
            handler: { batch in batch.map(result) })
    }

    @Test(arguments: cases) func settlesAfterTheSideEffect(_ c: Case) async throws {
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: Self.delays)
        var headers: [String: HeaderValue] = ["x-death": .string("broker bookkeeping"), "x-custom": .string("kept")]
        if let a = c.attempt { headers[Topology.Header.attempt] = .int(a) }
        try await broker.publish(FakeFixtures.message(Array("body-1".utf8), to: Self.queue, id: "m1", headers: headers))

        await Self.loop(broker) { _ in c.result }.run()

        #expect(broker.settlements.map(\.how) == [.ack], "settled once, by ack, after any republish was confirmed")
        #expect(broker.protocolErrors.isEmpty)
        #expect(broker.messages(in: Self.queue).isEmpty && broker.unackedCount(in: Self.queue) == 0)
        let everywhere = Self.topology.workQueues.flatMap { q in
            [q, Self.topology.deadLetterQueue(of: q)] + Self.delays.map { Self.topology.delayQueue(of: q, delayMillis: $0) }
        }
        let holding = everywhere.filter { !broker.messages(in: $0).isEmpty }
        guard let target = c.endsIn else {
            #expect(holding.isEmpty, "acked on success, republished nowhere")
            return
        }
        #expect(holding == [target])
        let m = try #require(broker.messages(in: target).first)
        #expect(m.body == Array("body-1".utf8), "the original body, unchanged")
        #expect(m.messageID == "m1")
        #expect(m.headers[Topology.Header.attempt]?.intValue == c.endsAsAttempt)
        #expect(m.headers[Topology.Header.originQueue]?.description == Self.queue)
        #expect(m.headers[Topology.Header.lastError]?.description == c.result.failureText)
        #expect(m.headers[Topology.Header.firstFailedAt] != nil && m.headers[Topology.Header.lastFailedAt] != nil)
        #expect(m.headers["x-death"] == nil, "the broker's own headers are not copied")
        #expect(m.headers["x-custom"]?.description == "kept")
        if let reason = c.reasonContains {
            #expect(m.headers[Topology.Header.deadLetterReason]?.description.contains(reason) == true)
        } else {
            #expect(m.headers[Topology.Header.deadLetterReason] == nil)
        }
    }

    @Test func republishFailureRequeuesAndNeverAcks() async throws {
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: Self.delays)
        try await broker.publish(FakeFixtures.message(Array("b".utf8), to: Self.queue, id: "m1"))
        let outage = BrokerOutage()

        await Self.loop(broker, publisher: outage) { _ in .failure(.transient(.network, "down")) }.run()

        #expect(outage.publishAttempts == 1, "the retry publish was tried")
        #expect(broker.settlements.map(\.how) == [.requeue])
        let back = try #require(broker.messages(in: Self.queue).first, "the message is back in its queue")
        #expect(back.redelivered && back.messageID == "m1")
    }

    @Test func missingDelayQueueRequeuesAndNeverAcks() async throws {
        // Only the work queue exists: the retry publish is returned (unroutable).
        let broker = InMemoryBroker(queues: [Self.queue])
        try await broker.publish(FakeFixtures.message(Array("b".utf8), to: Self.queue, id: "m1"))

        await Self.loop(broker) { _ in .failure(.permanent(.unparseable, "junk")) }.run()

        #expect(broker.settlements.map(\.how) == [.requeue])
        #expect(broker.messages(in: Self.queue).count == 1)
    }

    @Test func retriesThroughEveryDelayThenDeadLetters() async throws {
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: Self.delays)
        try await broker.publish(FakeFixtures.message(Array("b".utf8), to: Self.queue, id: "m1"))
        var attemptsSeen: [Int64] = []
        for _ in 0..<3 {
            let seen = AttemptLog()
            await Self.loop(broker) { d in
                seen.add(d.headers[Topology.Header.attempt]?.intValue ?? 1)
                return .failure(.transient(.serverError, "HTTP 503"))
            }.run()
            attemptsSeen += seen.values
            broker.releaseDelayed()
        }
        #expect(attemptsSeen == [1, 2, 3])
        let dead = try #require(broker.messages(in: Self.topology.deadLetterQueue(of: Self.queue)).first)
        #expect(dead.headers[Topology.Header.attempt]?.intValue == 3)
        #expect(broker.settlements.map(\.how) == [.ack, .ack, .ack])
    }
}

extension Result where Failure == DeliveryError {
    /// What `ConsumeLoop` writes in `x-klaxon-last-error`.
    var failureText: String? {
        if case .failure(let e) = self { return e.description }
        return nil
    }
}

/// Values a handler saw, from concurrent tasks.
final class AttemptLog: Sendable {
    private let log = Mutex<[Int64]>([])
    func add(_ v: Int64) { log.withLock { $0.append(v) } }
    var values: [Int64] { log.withLock { $0 } }
}
