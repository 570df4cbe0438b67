import AMQP
import AlertCore
import Foundation
import Redis
import WorkerKit
import YAMLConfig

/// A fresh namespace on the shared RabbitMQ and Redis, with its config file (for `klaxonctl
/// --config`) and, unless told otherwise, its declared topology. Fails (never skips) when a
/// server cannot be reached. `close()` deletes what it declared and its Redis keys.
public final class TestNamespace: @unchecked Sendable {
    // Why @unchecked: AMQPConnection belongs to one thread; a test uses it from one task at a time.
    /// The namespace (`t<hex>`).
    public let namespace: String
    /// Holds the config file.
    public let directory: URL
    /// The config file.
    public let configPath: String
    /// The config as the fleet reads it.
    public let config: KlaxonConfig
    /// Names of its queues and exchange.
    public let topology: Topology
    /// A confirm-mode connection for the test's own publishes and inspections.
    public let conn: AMQPConnection

    /// Writes the config (quorum queues, short retries, `extraYAML` appended) and declares the
    /// topology when `declare`. The broker work runs on a thread of its own: declaring a
    /// namespace's quorum queues takes a while, and many tests doing it at once on the two
    /// threads of the cooperative pool would stall every other test.
    /// `environment` resolves the config's `*_env` secrets.
    public convenience init(declare: Bool = true, extraYAML: String = "", environment: [String: String] = [:]) async throws {
        let made = try await blocking { UncheckedBox(try TestNamespace(blockingDeclare: declare, extraYAML: extraYAML, environment: environment)) }
        self.init(moving: made.value)
    }

    private init(moving other: TestNamespace) {
        namespace = other.namespace
        directory = other.directory
        configPath = other.configPath
        config = other.config
        topology = other.topology
        conn = other.conn
    }

    private init(blockingDeclare declare: Bool, extraYAML: String, environment: [String: String]) throws {
        try TestEnvironment.requireServers()
        namespace = TestEnvironment.namespace()
        directory = try TestEnvironment.temporaryDirectory("ns-\(namespace)")
        configPath = directory.appendingPathComponent("klaxon.yaml").path
        // A test that brings its own `redis:` section (e.g. an unreachable Redis) keeps it.
        let ownsRedis = extraYAML.split(separator: "\n").contains { $0.hasPrefix("redis:") }
        let yaml = """
            broker:
              url: \(TestEnvironment.amqpURL)
              namespace: \(namespace)
              queue_type: quorum
              heartbeat_seconds: 0
            \(ownsRedis ? "" : "redis: {port: \(TestEnvironment.redisPort)}")
            delivery:
              retry_delays: [200ms, 300ms]
              idempotency_ttl: 1m
            \(extraYAML)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        config = try ConfigLoader.load(path: configPath, environment: environment)
        topology = Topology(namespace: namespace)
        conn = try TestEnvironment.broker()
        try conn.confirmSelect()
        if declare { try BrokerTopology(config: config).declare(on: conn) }
    }

    /// The e-mail work queue.
    public var emailQueue: String { topology.notifyQueue(.email) }
    /// The e-mail work queue's dead-letter queue.
    public var emailDLQ: String { topology.deadLetterQueue(of: emailQueue) }

    /// `args` followed by `--config <this namespace's file>`.
    public func ctlArgs(_ args: String...) -> [String] { args + ["--config", configPath] }

    /// Publishes one persistent message to the namespace's exchange and waits for its confirm.
    public func publish(_ body: [UInt8], to routingKey: String, headers: [String: HeaderValue] = [:], id: String? = nil) throws {
        try conn.publishConfirmed(OutboundMessage(exchange: topology.exchange, routingKey: routingKey, body: body, headers: headers, messageID: id))
    }

    /// Ready messages in `queue`.
    public func depth(_ queue: String) throws -> Int { try conn.inspectQueue(queue).messages }

    /// Every message of `queue`, in order, left in place: read unacked, then given back by closing
    /// the connection. The broker requeues a closed channel's messages asynchronously, so this
    /// waits (bounded) until they are all ready again before the next step reads the queue.
    public func contents(_ queue: String) throws -> [Delivery] {
        let c = try TestEnvironment.broker()
        var out: [Delivery] = []
        while let d = try c.get(queue: queue) { out.append(d) }
        c.close()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? conn.inspectQueue(queue).messages) ?? 0 < out.count { usleep(20_000) }
        return out
    }

    /// Deletes the topology, the Redis keys and the config directory.
    public func close() {
        try? BrokerTopology(config: config).delete(on: conn)
        conn.close()
        let redis = RedisClient(.init(host: "127.0.0.1", port: TestEnvironment.redisPort))
        if let keys = try? redis.command(["KEYS", "\(namespace):*"]), case .array(let items) = keys {
            for k in items { if let s = k.string { _ = try? redis.command(["DEL", s]) } }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Carries a value that is not Sendable across one hand-off between threads, where only one
/// side uses it at a time.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
