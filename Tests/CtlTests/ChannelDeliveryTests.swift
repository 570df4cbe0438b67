import AMQP
import AlertCore
import Ctl
import Foundation
import Synchronization
import Testing
import WorkerKit
import ChannelWorkers
import TestSupport

/// What the fake sink saw: attempts per notification id, and what it delivered.
final class SinkLog: Sendable {
    private let state = Mutex((attempts: [String: Int](), delivered: [String]()))
    /// While set, every send fails with this error.
    let failure = Mutex<DeliveryError?>(nil)
    /// The first `failFirst` attempts of each notification fail transiently.
    let failFirst: Int

    init(failFirst: Int = 0, failure: DeliveryError? = nil) {
        self.failFirst = failFirst
        self.failure.withLock { $0 = failure }
    }

    var delivered: [String] { state.withLock { $0.delivered } }
    func attempts(_ id: String) -> Int { state.withLock { $0.attempts[id] ?? 0 } }

    func send(_ n: AlertNotification) throws {
        let attempt = state.withLock { s -> Int in
            s.attempts[n.id, default: 0] += 1
            return s.attempts[n.id]!
        }
        if let e = failure.withLock({ $0 }) { throw e }
        if attempt <= failFirst { throw DeliveryError.transient(.serverError, "sink answered HTTP 503 (attempt \(attempt))") }
        state.withLock { $0.delivered.append(n.id) }
    }
}

/// An in-process `klaxon-email`-like worker: `ChannelWorker` on a `WorkerHost`, fake sink.
struct FakeEmailWorker {
    let host: WorkerHost
    let metrics: Metrics
    let task: Task<Void, Never>

    init(_ fleet: TestNamespace, sink: SinkLog) throws {
        let logger = Logger(process: "test-email", sink: .init { _ in })
        let metrics = Metrics()
        let config = fleet.config
        host = try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: nil) { _ in
            ChannelWorker.definition(
                channel: .email, config: config, redis: SharedRedis(config.redis), concurrency: 2,
                logger: logger, metrics: metrics,
                deliver: { n in
                    do { try sink.send(n); return .success(()) } catch { return .failure(error as! DeliveryError) }
                })
        }
        self.metrics = metrics
        let host = self.host
        task = Task { await host.run() }
    }

    func stop() async {
        host.stop(drainMillis: 5000)
        await task.value
    }
}

@Suite struct ChannelDeliveryTests {
    @Test func transientFailuresThenRecoveryDeliverExactlyOnce() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let sink = SinkLog(failFirst: 2)
        let worker = try FakeEmailWorker(fleet, sink: sink)
        let n = Sample.notification("n-transient")
        try fleet.publish(Codec.encode(n), to: fleet.emailQueue, id: n.id)
        try await waitFor("the notification delivered after two retries", seconds: 60) { sink.delivered == [n.id] }
        // A redelivery of the same notification (as after a crash before the ack) is skipped.
        try fleet.publish(Codec.encode(n), to: fleet.emailQueue, id: n.id)
        try await waitFor("the duplicate skipped") { worker.metrics.value("klaxon_notifications_duplicate_total", ["channel": "email"]) == 1 }
        await worker.stop()
        #expect(sink.delivered == [n.id])
        #expect(sink.attempts(n.id) == 3)
        #expect(try fleet.depth(fleet.emailDLQ) == 0)
        #expect(try fleet.depth(fleet.emailQueue) == 0)
    }

    @Test func retriesExhaustedDeadLetterWithTheLastError() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let sink = SinkLog(failFirst: 100)
        let worker = try FakeEmailWorker(fleet, sink: sink)
        let n = Sample.notification("n-exhausted")
        try fleet.publish(Codec.encode(n), to: fleet.emailQueue, id: n.id)
        try await waitFor("the notification dead-lettered", seconds: 60) { try fleet.depth(fleet.emailDLQ) == 1 }
        await worker.stop()
        let d = try #require(try fleet.contents(fleet.emailDLQ).first)
        #expect(sink.attempts(n.id) == 3)
        #expect(d.headers[Topology.Header.attempt]?.intValue == 3)
        #expect(d.headers[Topology.Header.deadLetterReason]?.description.contains("gave up after 3 attempts") == true)
        #expect(d.headers[Topology.Header.lastError]?.description == "transient serverError: sink answered HTTP 503 (attempt 3)")
        #expect(d.body == Codec.encode(n))
    }

    @Test func permanentFailureEndsInTheDLQWithReasonAndHeaders() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let sink = SinkLog(failure: .permanent(.clientError, "550 5.1.1 mailbox unavailable"))
        let worker = try FakeEmailWorker(fleet, sink: sink)
        let n = Sample.notification("n-permanent")
        let body = Codec.encode(n) + Array("  ".utf8)  // bytes a re-encoding would not keep
        let before = Date().addingTimeInterval(-1)
        try fleet.publish(body, to: fleet.emailQueue, id: n.id)
        try await waitFor("the notification dead-lettered", seconds: 60) { try fleet.depth(fleet.emailDLQ) == 1 }
        await worker.stop()

        let d = try #require(try fleet.contents(fleet.emailDLQ).first)
        #expect(d.body == body, "the dead letter is the original, byte for byte")
        #expect(d.messageID == n.id)
        let h = d.headers
        #expect(h[Topology.Header.deadLetterReason]?.description == "permanent clientError: 550 5.1.1 mailbox unavailable")
        #expect(h[Topology.Header.lastError]?.description == "permanent clientError: 550 5.1.1 mailbox unavailable")
        #expect(h[Topology.Header.originQueue]?.description == fleet.emailQueue)
        #expect(h[Topology.Header.originRoutingKey]?.description == fleet.emailQueue)
        #expect(h[Topology.Header.attempt]?.intValue == 1)
        for name in [Topology.Header.firstFailedAt, Topology.Header.lastFailedAt] {
            let at = try #require(h[name].flatMap { Timestamps.parse($0.description) }, "\(name) is an RFC 3339 time")
            #expect(at > before && at < Date().addingTimeInterval(1))
        }
        #expect(sink.attempts(n.id) == 1)

        // What an operator sees.
        let (code, out) = await ctl(fleet.ctlArgs("dlq", "peek", "notify.email", "--json"))
        #expect(code == 0, "\(out.stderr)")
        let row = try #require(out.lines.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(row["notification_id"] as? String == n.id)
        #expect(row["title"] as? String == "Disk full")
        #expect(row["source"] as? String == "alertmanager")
        #expect(row["reason"] as? String == "permanent clientError: 550 5.1.1 mailbox unavailable")
        #expect(row["attempts"] as? Int == 1)
        #expect((row["age_seconds"] as? Double).map { $0 >= 0 && $0 < 60 } == true)
    }

    @Test func replayAfterTheSinkIsFixedDeliversIt() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let sink = SinkLog(failure: .permanent(.authError, "535 authentication failed"))
        let worker = try FakeEmailWorker(fleet, sink: sink)
        let n = Sample.notification("n-replay")
        try fleet.publish(Codec.encode(n), to: fleet.emailQueue, id: n.id)
        try await waitFor("the notification dead-lettered", seconds: 60) { try fleet.depth(fleet.emailDLQ) == 1 }
        #expect(sink.delivered.isEmpty)

        sink.failure.withLock { $0 = nil }  // the operator fixed the SMTP password
        let (code, out) = await ctl(fleet.ctlArgs("dlq", "replay", "notify.email"))
        #expect(code == 0, "\(out.stderr)")
        #expect(out.lines.first?.hasPrefix("moved  n-replay") == true, "\(out.stdout)")
        #expect(out.lines.last == "replayed 1 of 1 examined in \(fleet.emailDLQ); 0 left in place")
        try await waitFor("the replayed notification delivered") { sink.delivered == [n.id] }
        await worker.stop()
        #expect(try fleet.depth(fleet.emailDLQ) == 0)
        #expect(sink.attempts(n.id) == 2)
    }

    @Test func poisonMessageIsDeadLetteredAndDoesNotStopTheOthers() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let sink = SinkLog()
        let poison = Array("{\"v\":1,\"id\":".utf8) + [0xFF, 0xFE]
        try fleet.publish(poison, to: fleet.emailQueue, id: "poison")
        let good = [Sample.notification("n-after-1"), Sample.notification("n-after-2")]
        for n in good { try fleet.publish(Codec.encode(n), to: fleet.emailQueue, id: n.id) }
        let worker = try FakeEmailWorker(fleet, sink: sink)
        // An in-process worker consumes once its publisher connected: on a loaded full run that
        // took more than 20 s twice.
        try await waitFor("the messages behind the poison delivered", seconds: 60) { Set(sink.delivered) == Set(good.map(\.id)) }
        try await waitFor("the poison dead-lettered") { try fleet.depth(fleet.emailDLQ) == 1 }
        await worker.stop()
        let d = try #require(try fleet.contents(fleet.emailDLQ).first)
        #expect(d.body == poison)
        #expect(d.messageID == "poison")
        #expect(d.headers[Topology.Header.deadLetterReason]?.description.hasPrefix("permanent unparseable:") == true)
        #expect(sink.delivered.count == 2)
    }
}
