import AMQP
import AlertCore
import Foundation
import Testing
import WorkerKit
import Workers

/// klaxon-dedup against the real RabbitMQ and Redis.
@Suite(.serialized) struct DedupTests {
    func makeAlert(_ fingerprint: String, status: AlertStatus = .firing, id: String = UUID().uuidString) -> Alert {
        Alert(id: id, source: "alertmanager", integration: "test-am", status: status, fingerprint: fingerprint, title: "Disk full", message: "",
              severity: "critical", labels: ["alertname": "DiskFull"], annotations: [:], startsAt: "2026-01-01T00:00:00Z",
              endsAt: status == .resolved ? "2026-01-01T01:00:00Z" : nil, receivedAt: Timestamps.format(Date()), links: [])
    }

    func withDedup(extra: String = "", _ body: (KlaxonConfig, RunningWorker, AMQPConnection) async throws -> Void) async throws {
        let conn = try TestEnvironment.broker()
        _ = try TestEnvironment.redis()
        let config = try TestEnvironment.config(namespace: TestEnvironment.namespace(), extra: extra)
        let worker = try RunningWorker(config: config) { p, logger, metrics in
            DedupWorker.definition(config: config, publisher: p, redis: SharedRedis(config.redis), logger: logger, metrics: metrics)
        }
        try await worker.waitUntilConsuming()
        do { try await body(config, worker, conn) } catch { await worker.stop(); TestEnvironment.removeTopology(config); throw error }
        await worker.stop()
        TestEnvironment.removeTopology(config)
    }

    @Test func repeatsInsideTheWindowAreSuppressedAndCounted() async throws {
        try await withDedup { config, worker, conn in
            let t = Topology(namespace: config.broker.namespace)
            let fp = "fp-" + UUID().uuidString
            try await publish(worker.publisher, (0..<5).map { _ in Codec.encode(makeAlert(fp)) }, to: t.ingestQueue, namespace: t.exchange)
            let passed = try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 1)
            #expect(passed.count == 1)
            // Let the other four be decided, then check nothing else came through.
            try await waitFor { worker.metrics.value("klaxon_dedup_decisions_total", ["decision": "suppressed"]) == 4 }
            #expect(try TestEnvironment.drain(conn, t.routeQueue).isEmpty)

            // After the window, the next firing passes and says how many were suppressed.
            try await Task.sleep(for: .milliseconds(1200))
            try await publish(worker.publisher, [Codec.encode(makeAlert(fp))], to: t.ingestQueue, namespace: t.exchange)
            let next = try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 1)
            let alert = try Codec.decode(Alert.self, from: try #require(next.first).body)
            #expect(alert.suppressedRepeats == 4)
        }
    }

    @Test func resolvedAlwaysPassesAndClearsTheWindow() async throws {
        try await withDedup { config, worker, conn in
            let t = Topology(namespace: config.broker.namespace)
            let fp = "fp-" + UUID().uuidString
            let bodies = [makeAlert(fp), makeAlert(fp, status: .resolved), makeAlert(fp, status: .resolved), makeAlert(fp)].map { Codec.encode($0) }
            for b in bodies {  // one at a time: order matters here
                try await publish(worker.publisher, [b], to: t.ingestQueue, namespace: t.exchange)
                try await Task.sleep(for: .milliseconds(100))
            }
            let got = try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 4)
            let statuses = try got.map { try Codec.decode(Alert.self, from: $0.body).status }
            #expect(statuses == [.firing, .resolved, .resolved, .firing])
        }
    }

    @Test func aRedeliveredAlertThatOpenedTheWindowPassesAgain() async throws {
        try await withDedup { config, worker, conn in
            let t = Topology(namespace: config.broker.namespace)
            let a = makeAlert("fp-" + UUID().uuidString)
            // Same id twice: a redelivery after a crash between the Redis decision and the ack.
            try await publish(worker.publisher, [Codec.encode(a)], to: t.ingestQueue, namespace: t.exchange)
            _ = try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 1)
            try await publish(worker.publisher, [Codec.encode(a)], to: t.ingestQueue, namespace: t.exchange)
            let again = try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 1)
            #expect(again.count == 1)
        }
    }

    @Test func redisDownFailsOpenAndSaysSo() async throws {
        try await withDedup(extra: "") { config, worker, conn in _ = (config, worker, conn) }  // servers reachable
        let conn = try TestEnvironment.broker()
        var config = try TestEnvironment.config(namespace: TestEnvironment.namespace())
        config.redis.port = 1  // nothing listens there
        config.redis.timeoutMillis = 200
        let worker = try RunningWorker(config: config) { p, logger, metrics in
            DedupWorker.definition(config: config, publisher: p, redis: SharedRedis(config.redis), logger: logger, metrics: metrics)
        }
        defer { TestEnvironment.removeTopology(config) }
        try await worker.waitUntilConsuming()
        let t = Topology(namespace: config.broker.namespace)
        let fp = "fp-" + UUID().uuidString
        try await publish(worker.publisher, [Codec.encode(makeAlert(fp)), Codec.encode(makeAlert(fp))], to: t.ingestQueue, namespace: t.exchange)
        let got = try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 2)
        #expect(got.count == 2)
        #expect(worker.metrics.value("klaxon_dedup_decisions_total", ["decision": "fail_open"]) == 2)
        await worker.stop()
    }

    @Test func unparseableInputIsDeadLetteredAndTheRestFlows() async throws {
        try await withDedup { config, worker, conn in
            let t = Topology(namespace: config.broker.namespace)
            try await publish(worker.publisher, [Array("not json".utf8), Codec.encode(makeAlert("fp-" + UUID().uuidString))], to: t.ingestQueue, namespace: t.exchange)
            let dead = try await TestEnvironment.waitForMessages(conn, t.deadLetterQueue(of: t.ingestQueue), count: 1)
            #expect(dead.first?.body == Array("not json".utf8))
            #expect(dead.first?.headers[Topology.Header.deadLetterReason]?.description.contains("unparseable") == true)
            #expect(try await TestEnvironment.waitForMessages(conn, t.routeQueue, count: 1).count == 1)
        }
    }
}

/// Polls a condition (no timing assertion: the deadline only bounds a hung test).
func waitFor(seconds: Double = 15, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try !condition() {
        if Date() > deadline { throw TestEnvironment.Unreachable(description: "condition not met within \(seconds) s") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
