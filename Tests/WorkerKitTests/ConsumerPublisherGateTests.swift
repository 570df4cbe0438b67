import AMQP
import AlertCore
import Foundation
import Synchronization
import Testing
import TestFakes
import TestSupport
import WorkerKit

/// A worker consumes only while its publisher is connected: with the publisher down, every
/// failure's retry publish failed and gave the message straight back, and the broker handed it
/// out again at once until the quorum delivery limit dead-lettered it (bench/chaos saw alerts
/// dead-lettered this way in the second after a broker restart).
@Suite struct ConsumerPublisherGateTests {
    @Test func nothingIsConsumedWhileThePublisherIsDown() async throws {
        let ns = try await TestNamespace()
        defer { ns.close() }
        let calls = Atomic<Int>(0)
        let definition = WorkerDefinition(
            name: "gate", queue: ns.topology.ingestQueue, batchSize: 1, concurrency: 1,
            handler: perMessage { _ in
                calls.add(1, ordering: .relaxed)
                return .failure(.transient(.network, "forward failed"))
            })
        let service = try ConsumerService(
            config: ns.config, definition: definition, publisher: BrokerOutage(), logger: Logger(process: "test", minimum: .error),
            metrics: Metrics())
        try ns.publish(Array("alert".utf8), to: ns.topology.ingestQueue, id: "a1")
        let run = Task { try await service.run() }

        // Long enough for the old behaviour to burn the 20 deliveries many times over.
        try await Task.sleep(for: .seconds(3))
        service.shutdown()
        try await run.value

        #expect(calls.load(ordering: .relaxed) == 0, "handed to the handler while the publisher was down")
        #expect(try ns.depth(ns.topology.deadLetterQueue(of: ns.topology.ingestQueue)) == 0)
        let left = try ns.contents(ns.topology.ingestQueue)
        #expect(left.map(\.messageID) == ["a1"])
    }
}
