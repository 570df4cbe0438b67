import AMQP
import AlertCore
import Foundation
import Gateway
import Testing
import WorkerKit
import RouterWorker
import TestSupport

/// A confirm counts only when a queue took the message. With a work queue deleted behind the
/// fleet's back (`klaxonctl topology delete`, an operator's mistake), RabbitMQ still confirms a
/// publish that went nowhere; Klaxon publishes `mandatory`, so the message comes back and the
/// publish fails: the gateway answers 503 (the sender retries), a worker does not ack. The
/// publisher then declares the topology again, and the retries get through.
@Suite(.serialized) struct UnroutablePublishTests {
    @Test func gatewayAnswers503ForAReturnedAlertThenHealsAndStoresTheRetry() async throws {
        let conn = try TestEnvironment.broker()
        defer { conn.close() }
        let h = try GatewayHarness()
        let t = Topology(namespace: h.namespace)
        let body = try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json")
        // The first accepted request proves the publisher is connected and the topology declared
        // (on a loaded machine the first may still meet a publisher connecting: a 503 to retry).
        var first = 0
        let ready = Date().addingTimeInterval(30)
        while first != 202 && Date() < ready {
            first = try await http("POST", h.url(), body: body).status
            if first != 202 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(first == 202)
        #expect(try await TestEnvironment.waitForMessages(conn, t.ingestQueue, count: 1).count == 1)
        // Past the publisher's once-a-second limit on declaring again.
        try await Task.sleep(for: .milliseconds(1200))
        try conn.deleteQueue(t.ingestQueue)

        let lost = try await http("POST", h.url(), body: body)
        #expect(lost.status == 503, "a confirmed publish that no queue took must not be a 202")
        #expect(lost.headers["retry-after"] != nil)
        #expect(h.metrics.value("klaxon_publish_returned_total") >= 1)

        // The sender retries, as Alertmanager does on a 5xx: the publisher declared the queue again.
        var accepted: [String] = []
        let deadline = Date().addingTimeInterval(15)
        while accepted.isEmpty && Date() < deadline {
            let r = try await http("POST", h.url(), body: body)
            if r.status == 202 { accepted = r.json["ids"] as? [String] ?? [] } else { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(accepted.count == 1, "the gateway must recover once the queue is declared again")
        let stored = try await TestEnvironment.waitForMessages(conn, t.ingestQueue, count: 1)
        #expect(try stored.map { try Codec.decode(Alert.self, from: $0.body).id } == accepted)
        await h.finish()
    }

    @Test func routerDoesNotAckAnAlertWhoseNotificationWasReturned() async throws {
        let conn = try TestEnvironment.broker()
        defer { conn.close() }
        let config = try TestEnvironment.config(
            namespace: TestEnvironment.namespace(),
            extra: """
                router:
                  default:
                    notify:
                      email: [ops@example.com]
                """)
        defer { TestEnvironment.removeTopology(config) }
        let router = try RunningWorker(config: config) { p, logger, m in
            RouterWorker.definition(config: config, publisher: p, logger: logger, metrics: m)
        }
        try await router.waitUntilConsuming()
        let t = Topology(namespace: config.broker.namespace)
        try await Task.sleep(for: .milliseconds(1200))
        try conn.deleteQueue(t.notifyQueue(.email))

        let a = Alert(
            id: UUID().uuidString, source: "alertmanager", integration: "t", status: .firing, fingerprint: "fp", title: "x",
            message: "", severity: "warning", labels: [:], annotations: [:], startsAt: "2026-01-01T00:00:00Z", endsAt: nil,
            receivedAt: "2026-01-01T00:00:00Z", links: [])
        try await publish(router.publisher, [Codec.encode(a)], to: t.routeQueue, namespace: t.exchange)

        // Before the fix the router's publish was confirmed into nothing and the alert acked:
        // the e-mail queue, declared again, stayed empty. Now the alert is retried and arrives.
        let got = try await messagesOnceDeclared(t.notifyQueue(.email), count: 1)
        #expect(got.count == 1)
        #expect(try got.map { try Codec.decode(AlertNotification.self, from: $0.body).alert.id } == [a.id])
        #expect(router.metrics.value("klaxon_publish_returned_total") >= 1)
        #expect(router.metrics.value("klaxon_messages_total", ["queue": t.routeQueue, "outcome": "retry"]) >= 1)
        await router.stop()
    }

    /// Like `TestEnvironment.waitForMessages`, for a queue that exists only once the worker's
    /// publisher declared it again (a `basic.get` on a missing queue closes the channel).
    func messagesOnceDeclared(_ queue: String, count: Int, seconds: Double = 15) async throws -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        var got: [Delivery] = []
        while got.count < count && Date() < deadline {
            let conn = try TestEnvironment.broker()
            defer { conn.close() }
            do {
                got += try await TestEnvironment.waitForMessages(conn, queue, count: count - got.count, seconds: deadline.timeIntervalSinceNow)
            } catch let e as AMQPError where e.isNotFound {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return got
    }
}
