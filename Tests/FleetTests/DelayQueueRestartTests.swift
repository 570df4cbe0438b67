import AMQP
import AlertCore
import Foundation
import Testing
import WorkerKit
import TestSupport

/// A retry or a watch waiting in a delay queue when RabbitMQ goes down comes back once it is up
/// again, even when its wait ended while the broker was down. Classic delay queues dead-letter at
/// most once and dropped every such message (found by bench/chaos: e-mails lost after a broker
/// restart); quorum delay queues dead-letter at least once (`BrokerTopology.delayArguments`).
@Suite(.serialized) struct DelayQueueRestartTests {
    @Test func aWaitThatEndsWhileTheBrokerIsDownIsNotLost() async throws {
        let broker = try await PrivateBroker()
        defer { broker.remove() }
        try await broker.start()

        var config = try TestEnvironment.config(namespace: TestEnvironment.namespace())
        config.broker.url = broker.url
        config.broker.queueType = .quorum
        config.delivery.retryDelaysMillis = [6000]
        config.incidents.watchIntervalMillis = 6000
        let topology = BrokerTopology(config: config)
        let t = topology.topology
        let conn = try AMQPConnection(url: AMQPURL(broker.url)!, heartbeatSeconds: 0)
        try topology.declare(on: conn)
        try conn.confirmSelect()
        let retry = t.delayQueue(of: t.ingestQueue, delayMillis: 6000)
        try conn.publishConfirmed(OutboundMessage(exchange: t.exchange, routingKey: retry, body: Array("retry".utf8), messageID: "r1"))
        try conn.publishConfirmed(
            OutboundMessage(exchange: t.exchange, routingKey: topology.watchQueue, body: Array("watch".utf8), messageID: "w1"))
        conn.close()

        // Down before the 6 s wait ends (3 s after the confirms: a SIGKILL within milliseconds of
        // a confirm lost the last quorum message here, a broker matter apart from this test's, and
        // 1 s once failed in a loaded full run), up again after it ended.
        try await Task.sleep(for: .seconds(3))
        try await broker.crash()
        try await Task.sleep(for: .seconds(8))
        try await broker.start()

        let after = try AMQPConnection(url: AMQPURL(broker.url)!, heartbeatSeconds: 0)
        defer { after.close() }
        try await waitFor(seconds: 120) {  // a loaded machine recovers the quorum queues slowly
            let retried = try after.inspectQueue(t.ingestQueue).messages
            let watched = try after.inspectQueue(t.escalationQueue).messages
            return retried == 1 && watched == 1
        }
        #expect(try after.get(queue: t.ingestQueue)?.messageID == "r1")
        #expect(try after.get(queue: t.escalationQueue)?.messageID == "w1")
    }
}
