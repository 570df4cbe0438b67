import AMQP
import AlertCore
import Foundation
import Redis
import WorkerKit
import YAMLConfig

/// Where the real servers, the shared fixtures and the built executables are, for every test
/// target. Servers come from `scripts/services.sh start`; `KLAXON_TEST_AMQP_URL` and
/// `KLAXON_TEST_REDIS_PORT` point the tests elsewhere. A server that cannot be reached fails
/// the test with a `TestFailure` naming it (never a skip).
public enum TestEnvironment {
    /// The repository root (this file is Tests/Support/TestSupport/TestEnvironment.swift).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared` beside the repository: samples, specs, schemas.
    public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    /// The inbound payload samples (`../shared/samples/inbound`).
    public static let samples = shared.appendingPathComponent("samples/inbound")
    /// The RabbitMQ every test shares (`KLAXON_TEST_AMQP_URL`, default the local one).
    public static let amqpURL = ProcessInfo.processInfo.environment["KLAXON_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    /// The port of the Redis on 127.0.0.1 every test shares (`KLAXON_TEST_REDIS_PORT`, default 6379).
    public static let redisPort = Int(ProcessInfo.processInfo.environment["KLAXON_TEST_REDIS_PORT"] ?? "6379") ?? 6379
    /// Debian's python, which has aiosmtpd (another python3 may be first on PATH).
    public static let python = "/usr/bin/python3"
    /// The integration token tests send (configs read it from `TEST_TOKEN`).
    public static let token = "test-token-0123456789abcdef"
    /// Where child processes write their logs (kept after a run, for a failure's diagnosis).
    public static let logDirectory: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-test-logs")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// A connection to the shared RabbitMQ; throws saying how to start it when unreachable.
    public static func broker() throws -> AMQPConnection {
        do { return try AMQPConnection(url: AMQPURL(amqpURL)!, heartbeatSeconds: 0) } catch {
            throw TestFailure("RabbitMQ is not reachable at \(amqpURL) (\(error)); start it with scripts/services.sh start")
        }
    }

    /// A client of the shared Redis, checked with PING; throws saying how to start it.
    public static func redis() throws -> RedisClient {
        let c = RedisClient(.init(host: "127.0.0.1", port: redisPort))
        do { _ = try c.command(["PING"]) } catch {
            throw TestFailure("Redis is not reachable at 127.0.0.1:\(redisPort) (\(error)); start it with scripts/services.sh start")
        }
        return c
    }

    /// Throws, naming the server, unless both RabbitMQ and Redis answer.
    public static func requireServers() throws {
        try broker().close()
        _ = try redis()
    }

    /// A built executable of this package; throws if `swift build` has not made it.
    public static func binary(_ name: String) throws -> String {
        let path = root.appendingPathComponent(".build/debug/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(path) is missing: run `swift build` before `swift test` (scripts/test.sh does)")
        }
        return path
    }

    /// A fresh, empty temporary directory whose name starts with `label`.
    public static func temporaryDirectory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A fresh namespace, so each test has its own exchange, queues and Redis keys.
    public static func namespace() -> String { "t" + String(UInt64.random(in: 0...UInt64.max), radix: 16) }

    /// A config for tests: fresh namespace, gateway on a free port, short retry delays.
    /// `gateway` lines go under `gateway:`; `extra` is appended at the top level.
    public static func configYAML(namespace: String, extra: String = "", gateway: String = "") -> String {
        """
        broker:
          url: \(amqpURL)
          namespace: \(namespace)
          queue_type: classic   # quorum queue declarations of many parallel tests overload the broker; TestNamespace tests quorum
          heartbeat_seconds: 0
        redis:
          port: \(redisPort)
        gateway:
          listen: 127.0.0.1:0
        \(gateway.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        integrations:
          - name: test-am
            kind: alertmanager
            token_env: TEST_TOKEN
            time_zone: Asia/Shanghai
        dedup:
          window: 1s
        delivery:
          retry_delays: [200ms, 400ms]
          idempotency_ttl: 1h
          claim_ttl: 10s   # renewed every third while a send runs; long enough for a loaded CI machine
        \(extra)
        """
    }

    /// `configYAML` parsed, with `TEST_TOKEN` set to `token`.
    public static func config(namespace: String, extra: String = "", gateway: String = "") throws -> KlaxonConfig {
        try ConfigLoader.parse(configYAML(namespace: namespace, extra: extra, gateway: gateway), environment: ["TEST_TOKEN": token])
    }

    /// An inbound sample's bytes (`alertmanager/…json`); throws if ../shared is missing.
    public static func sample(_ path: String) throws -> Data {
        let url = samples.appendingPathComponent(path)
        guard let d = FileManager.default.contents(atPath: url.path) else {
            throw TestFailure("sample \(url.path) is missing: ../shared must sit beside the repository")
        }
        return d
    }

    /// Takes every message currently in a queue (acking them).
    public static func drain(_ conn: AMQPConnection, _ queue: String) throws -> [Delivery] {
        var out: [Delivery] = []
        while let d = try conn.get(queue: queue) {
            try conn.ack(d.deliveryTag)
            out.append(d)
        }
        return out
    }

    /// Polls `queue` until it holds `count` messages or `seconds` pass; returns what it took.
    public static func waitForMessages(_ conn: AMQPConnection, _ queue: String, count: Int, seconds: Double = 15) async throws -> [Delivery] {
        var got: [Delivery] = []
        let deadline = Date().addingTimeInterval(seconds)
        while got.count < count && Date() < deadline {
            got += try drain(conn, queue)
            if got.count < count { try await Task.sleep(for: .milliseconds(50)) }
        }
        return got
    }

    /// Deletes a test's exchange and queues; best effort (for clean-up).
    public static func removeTopology(_ config: KlaxonConfig) {
        guard let conn = try? broker() else { return }
        try? BrokerTopology(config: config).delete(on: conn)
        conn.close()
    }
}
