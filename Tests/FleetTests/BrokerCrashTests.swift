import AMQP
import AlertCore
import Foundation
import Gateway
import Testing
import WorkerKit
import RouterWorker
import TestSupport

/// The broker crashes (SIGKILL) under a running gateway and router, and comes back on the same
/// data: what was confirmed survives, the gateway answers 503 meanwhile, and everything
/// reconnects by itself.
@Suite(.serialized) struct BrokerCrashTests {
    @Test func theFleetSurvivesABrokerCrash() async throws {
        let broker = try await PrivateBroker()
        defer { broker.remove() }
        try await broker.start()

        var config = try TestEnvironment.config(
            namespace: TestEnvironment.namespace(),
            extra: """
                router:
                  default:
                    notify:
                      email: [oncall@example.com]
                """)
        config.broker.url = broker.url
        let t = Topology(namespace: config.broker.namespace)
        let metrics = Metrics()
        let publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
        let gateway = GatewayService(config: config, publisher: publisher, logger: Logger(process: "test", minimum: .error), metrics: metrics)
        let port = try gateway.start()
        defer { gateway.stopNow() }
        let router = try RunningWorker(config: config) { p, logger, m in
            RouterWorker.definition(config: config, publisher: p, logger: logger, metrics: m)
        }
        try await router.waitUntilConsuming()
        let url = "http://127.0.0.1:\(port)/integrations/alertmanager/\(TestEnvironment.token)"
        let body = try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json")

        // Before: an alert goes gateway → ingest (no dedup here: it waits there, persisted).
        #expect(try await http("POST", url, body: body).status == 202)
        // And one through the router, to the e-mail queue.
        let first = makeAlert(), second = makeAlert()
        try await publish(router.publisher, [Codec.encode(first)], to: t.routeQueue, namespace: t.exchange)
        let conn = try AMQPConnection(url: AMQPURL(broker.url)!, heartbeatSeconds: 0)
        try await waitFor { try conn.inspectQueue(t.notifyQueue(.email)).messages == 1 }
        conn.close()

        try await broker.crash()
        // Meanwhile the gateway refuses honestly.
        let during = try await http("POST", url, body: body)
        #expect(during.status == 503)
        #expect(during.headers["retry-after"] != nil)

        try await broker.start()
        // Everyone reconnects without help.
        // (The router's own publisher too: it fails fast with its last error while it waits to
        // reconnect, and the publish below would meet that.)
        try await waitFor(seconds: 60) { router.host.consumer.isConsuming && router.publisher.isConnected && publisher.isConnected }
        var accepted = 0
        for _ in 0..<20 where accepted == 0 {  // the first publish may still meet the old connection's failure
            if try await http("POST", url, body: body).status == 202 { accepted += 1 } else { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(accepted == 1)
        try await publish(router.publisher, [Codec.encode(second)], to: t.routeQueue, namespace: t.exchange)

        // What was confirmed before the crash is still there, and the new work flowed. Delivery
        // is at least once: the router's ack of the first alert may have died with the broker
        // (acks are not confirmed), so the first can be routed again; the e-mail worker skips
        // a notification it already delivered. Nothing may be missing.
        let after = try AMQPConnection(url: AMQPURL(broker.url)!, heartbeatSeconds: 0)
        var notifications: [AlertNotification] = []
        try await waitFor {
            notifications += try TestEnvironment.drain(after, t.notifyQueue(.email)).map { try Codec.decode(AlertNotification.self, from: $0.body) }
            return Set(notifications.map(\.alert.id)).isSuperset(of: [first.id, second.id])
        }
        #expect(Set(notifications.map(\.alert.id)) == [first.id, second.id])
        // A re-routed copy carries the same notification id, which is what lets the worker skip it.
        #expect(Set(notifications.map(\.id)).count == 2)
        #expect(try after.inspectQueue(t.ingestQueue).messages == 2)
        after.close()
        await router.stop()
        await publisher.shutdown()
    }

    func makeAlert() -> Alert {
        Alert(
            id: UUID().uuidString, source: "alertmanager", integration: "t", status: .firing, fingerprint: "fp", title: "x", message: "",
            severity: "warning", labels: ["team": "db"], annotations: [:], startsAt: "2026-01-01T00:00:00Z", endsAt: nil,
            receivedAt: "2026-01-01T00:00:00Z", links: [])
    }
}
