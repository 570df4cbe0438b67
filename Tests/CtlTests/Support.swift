import AMQP
import AlertCore
import Ctl
import Foundation
import Redis
import Testing
import WorkerKit
import YAMLConfig

/// A failure with a message saying what is missing (never a skip).
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

enum Paths {
    /// Three levels up from this file is the package root.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("../shared/samples/inbound").standardizedFileURL
    static let klaxonctl = packageRoot.appendingPathComponent(".build/debug/klaxonctl")
}

/// Runs `klaxonctl` in-process on a dedicated thread (it blocks on the broker) and captures it.
func ctl(_ args: [String], environment: [String: String] = [:]) async -> (code: Int32, out: CapturedOutput) {
    await withCheckedContinuation { c in
        let t = Thread {
            let (io, out) = CtlIO.capture()
            let code = Ctl.run(args, environment: environment, io: io)
            c.resume(returning: (code, out))
        }
        t.start()
    }
}

/// Runs blocking work on a dedicated thread.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        Thread { c.resume(with: Result { try body() }) }.start()
    }
}

/// Polls `condition` every 50 ms until it holds or the (generous) deadline passes.
func eventually(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestFailure("timed out after \(Int(seconds)) s waiting for: \(what)")
}

/// A fresh namespace on the real RabbitMQ and Redis, with its config file and topology.
/// Fails (never skips) when a server cannot be reached. `close()` deletes what it declared.
final class Fleet: @unchecked Sendable {
    static let amqpURL = "amqp://guest:guest@127.0.0.1:5672/"
    let namespace = "t" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    let directory: URL
    let configPath: String
    let config: KlaxonConfig
    let topology: Topology
    let conn: AMQPConnection

    /// `environment` resolves the config's `*_env` secrets.
    init(declare: Bool = true, extraYAML: String = "", environment: [String: String] = [:]) throws {
        try Fleet.requireServers()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("klaxonctl-\(namespace)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        configPath = directory.appendingPathComponent("klaxon.yaml").path
        let yaml = """
            broker:
              url: \(Fleet.amqpURL)
              namespace: \(namespace)
              queue_type: quorum
              heartbeat_seconds: 0
            delivery:
              retry_delays: [200ms, 300ms]
              idempotency_ttl: 1m
            \(extraYAML)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        config = try ConfigLoader.load(path: configPath, environment: environment)
        topology = Topology(namespace: namespace)
        conn = try AMQPConnection(url: AMQPURL(Fleet.amqpURL)!, heartbeatSeconds: 0)
        try conn.confirmSelect()
        if declare { try BrokerTopology(config: config).declare(on: conn) }
    }

    static func requireServers() throws {
        do { _ = try AMQPConnection(url: AMQPURL(amqpURL)!, heartbeatSeconds: 0) } catch {
            throw TestFailure("RabbitMQ is not reachable at 127.0.0.1:5672 (start it: scripts/services.sh start): \(error)")
        }
        do { try RedisClient(.init(host: "127.0.0.1", port: 6379)).command(["PING"]) } catch {
            throw TestFailure("Redis is not reachable at 127.0.0.1:6379 (start it: scripts/services.sh start): \(error)")
        }
    }

    var emailQueue: String { topology.notifyQueue(.email) }
    var emailDLQ: String { topology.deadLetterQueue(of: emailQueue) }

    func ctlArgs(_ args: String...) -> [String] { args + ["--config", configPath] }

    func publish(_ body: [UInt8], to routingKey: String, headers: [String: HeaderValue] = [:], id: String? = nil) throws {
        try conn.publishConfirmed(OutboundMessage(exchange: topology.exchange, routingKey: routingKey, body: body, headers: headers, messageID: id))
    }

    func depth(_ queue: String) throws -> Int { try conn.inspectQueue(queue).messages }

    /// Every message of `queue`, in order, left in place: read unacked, then given back by closing
    /// the connection. The broker requeues a closed channel's messages asynchronously, so this
    /// waits (bounded) until they are all ready again before the next step reads the queue.
    func contents(_ queue: String) throws -> [Delivery] {
        let c = try AMQPConnection(url: AMQPURL(Fleet.amqpURL)!, heartbeatSeconds: 0)
        var out: [Delivery] = []
        while let d = try c.get(queue: queue) { out.append(d) }
        c.close()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? conn.inspectQueue(queue).messages) ?? 0 < out.count { usleep(20_000) }
        return out
    }

    func close() {
        try? BrokerTopology(config: config).delete(on: conn)
        conn.close()
        let redis = RedisClient(.init(host: "127.0.0.1", port: 6379))
        if let keys = try? redis.command(["KEYS", "\(namespace):*"]), case .array(let items) = keys {
            for k in items { if let s = k.string { _ = try? redis.command(["DEL", s]) } }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Notifications and dead letters as the fleet writes them.
enum Sample {
    static func notification(_ id: String, labels: [String: String] = ["team": "db"], title: String = "Disk full") -> AlertNotification {
        let alert = Alert(id: "a-\(id)", source: "alertmanager", integration: "am", status: .firing, fingerprint: "fp-\(id)",
                          title: title, message: "m", severity: "critical", labels: labels, annotations: [:],
                          startsAt: "2024-05-01T10:00:00Z", endsAt: nil, receivedAt: Timestamps.format(Date()), links: [])
        return AlertNotification(id: id, channel: "email", recipients: ["oncall@example.com"], route: "r", alert: alert)
    }

    /// Headers `ConsumeLoop` writes on a dead letter of `queue`.
    static func deadLetterHeaders(queue: String, reason: String, attempts: Int64 = 1) -> [String: HeaderValue] {
        let now = Timestamps.format(Date())
        return [
            Topology.Header.attempt: .int(attempts), Topology.Header.originQueue: .string(queue),
            Topology.Header.originRoutingKey: .string(queue), Topology.Header.firstFailedAt: .string(now),
            Topology.Header.lastFailedAt: .string(now), Topology.Header.lastError: .string(reason),
            Topology.Header.deadLetterReason: .string(reason),
        ]
    }
}

extension Delivery {
    /// The notification id in the body, if it is one.
    var notificationID: String? { try? Codec.decode(AlertNotification.self, from: body).id }
}
