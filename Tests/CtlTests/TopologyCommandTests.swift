import AMQP
import AlertCore
import Foundation
import Testing
import WorkerKit
import TestSupport

@Suite struct TopologyCommandTests {
    func exists(_ queue: String) -> Bool {
        guard let c = try? AMQPConnection(url: AMQPURL(TestEnvironment.amqpURL)!, heartbeatSeconds: 0) else { return false }
        defer { c.close() }
        return (try? c.inspectQueue(queue)) != nil
    }

    @Test func declareThenDeleteEveryQueueOfTheNamespace() async throws {
        let fleet = try await TestNamespace(declare: false)
        defer { fleet.close() }
        let names = BrokerTopology(config: fleet.config).queueNames
        // Per work queue: itself, its DLQ, two delay queues; and the escalator's watch queue.
        #expect(names.count == fleet.topology.workQueues.count * 4 + 1)
        #expect(names.contains(fleet.topology.escalationWatchQueue(intervalMillis: fleet.config.incidents.watchIntervalMillis)))

        let (c1, o1) = await ctl(fleet.ctlArgs("topology", "declare"))
        #expect(c1 == 0, "\(o1.stderr)")
        #expect(names.allSatisfy(exists))

        let (c2, o2) = await ctl(fleet.ctlArgs("topology", "delete"))
        #expect(c2 == 2, "delete without --yes is a usage error")
        #expect(o2.stderr.contains("nothing was deleted"))
        #expect(names.allSatisfy(exists))

        let (c3, o3) = await ctl(fleet.ctlArgs("topology", "delete", "--yes", "--json"))
        #expect(c3 == 0, "\(o3.stderr)")
        #expect(o3.stdout.contains("\"action\":\"deleted\""))
        #expect(!names.contains(where: exists))
    }

    @Test func deleteRefusesWhileQueuesHoldMessages() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let publisher = try WorkerHost.makePublisher(config: fleet.config, metrics: Metrics())
        try await publisher.publish(OutboundMessage(exchange: fleet.topology.exchange, routingKey: fleet.emailDLQ, body: Array("{}".utf8)))
        await publisher.shutdown()

        let (c1, o1) = await ctl(fleet.ctlArgs("topology", "delete", "--yes"))
        #expect(c1 == 1)
        #expect(o1.stderr.contains("\(fleet.emailDLQ): 1 message"))
        #expect(exists(fleet.emailDLQ))

        let (c2, o2) = await ctl(fleet.ctlArgs("topology", "delete", "--yes", "--discard-messages"))
        #expect(c2 == 0, "\(o2.stderr)")
        #expect(!exists(fleet.emailDLQ))
    }
}
