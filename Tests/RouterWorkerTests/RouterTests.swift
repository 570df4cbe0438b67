import AMQP
import AlertCore
import Foundation
import Testing
import WorkerKit
import RouterWorker
import TestSupport

@Suite(.serialized) struct RouterTests {
    @Test func oneNotificationPerRecipientOnTheChannelQueue() async throws {
        let conn = try TestEnvironment.broker()
        let config = try TestEnvironment.config(
            namespace: TestEnvironment.namespace(),
            extra: """
                router:
                  routes:
                    - name: db
                      match:
                        - label: team
                          equals: database
                      notify:
                        email: [dba@example.com, lead@example.com]
                  default:
                    notify:
                      email: [ops@example.com]
                """)
        defer { TestEnvironment.removeTopology(config) }
        let worker = try RunningWorker(config: config) { p, logger, metrics in
            RouterWorker.definition(config: config, publisher: p, logger: logger, metrics: metrics)
        }
        try await worker.waitUntilConsuming()
        let t = Topology(namespace: config.broker.namespace)
        let db = alert(["team": "database"]), other = alert(["team": "web"])
        try await publish(worker.publisher, [Codec.encode(db), Codec.encode(other)], to: t.routeQueue, namespace: t.exchange)
        // 60 s: at the start of a full run (every suite declaring at once) 15 s was too short twice.
        let got = try await TestEnvironment.waitForMessages(conn, t.notifyQueue(.email), count: 3, seconds: 60)
        let ns = try got.map { try Codec.decode(AlertNotification.self, from: $0.body) }
        #expect(Set(ns.map { "\($0.route):\($0.recipients[0])" }) == ["db:dba@example.com", "db:lead@example.com", "default:ops@example.com"])
        #expect(Set(ns.map(\.id)).count == 3)
        #expect(got.map(\.messageID) == ns.map(\.id))
        await worker.stop()
    }

    func alert(_ labels: [String: String]) -> Alert {
        Alert(
            id: UUID().uuidString, source: "alertmanager", integration: "t", status: .firing, fingerprint: Fingerprint.ofLabels(labels),
            title: "x", message: "", severity: "warning", labels: labels, annotations: [:], startsAt: "2026-01-01T00:00:00Z",
            endsAt: nil, receivedAt: "2026-01-01T00:00:00Z", links: [])
    }
}
