import AMQP
import AlertCore
import Foundation
import Redis
import Testing
import YAMLConfig
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the real servers are (started by scripts/services.sh) and helpers to reach them.
enum TestEnvironment {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    static let amqpURL = ProcessInfo.processInfo.environment["KLAXON_TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    static let redisPort = Int(ProcessInfo.processInfo.environment["KLAXON_TEST_REDIS_PORT"] ?? "6379")!

    struct Unreachable: Error, CustomStringConvertible { var description: String }

    /// A connection to the real RabbitMQ, or an error telling how to start it.
    static func broker() throws -> AMQPConnection {
        do { return try AMQPConnection(url: AMQPURL(amqpURL)!, heartbeatSeconds: 0) } catch {
            throw Unreachable(description: "RabbitMQ is not reachable at \(amqpURL) (\(error)); start it with scripts/services.sh start")
        }
    }

    static func redis() throws -> RedisClient {
        let c = RedisClient(.init(host: "127.0.0.1", port: redisPort))
        do { _ = try c.command(["PING"]) } catch {
            throw Unreachable(description: "Redis is not reachable at 127.0.0.1:\(redisPort) (\(error)); start it with scripts/services.sh start")
        }
        return c
    }

    /// A fresh namespace, so each test has its own exchange, queues and Redis keys.
    static func namespace() -> String { "t" + String(UInt64.random(in: 0...UInt64.max), radix: 16) }

    static let token = "test-token-0123456789abcdef"

    /// A config for tests: fresh namespace, gateway on a free port, short retry delays.
    static func configYAML(namespace: String, extra: String = "", gateway: String = "") -> String {
        """
        broker:
          url: \(amqpURL)
          namespace: \(namespace)
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
          claim_ttl: 3s
        \(extra)
        """
    }

    static func config(namespace: String, extra: String = "", gateway: String = "") throws -> KlaxonConfig {
        try ConfigLoader.parse(configYAML(namespace: namespace, extra: extra, gateway: gateway), environment: ["TEST_TOKEN": token])
    }

    static func sample(_ path: String) throws -> Data {
        let url = shared.appendingPathComponent("samples/inbound").appendingPathComponent(path)
        guard let d = FileManager.default.contents(atPath: url.path) else {
            throw Unreachable(description: "sample \(url.path) is missing: ../shared must sit beside the repository")
        }
        return d
    }

    /// Takes every message currently in a queue (acking them).
    static func drain(_ conn: AMQPConnection, _ queue: String) throws -> [Delivery] {
        var out: [Delivery] = []
        while let d = try conn.get(queue: queue) {
            try conn.ack(d.deliveryTag)
            out.append(d)
        }
        return out
    }

    /// Polls `queue` until it holds `count` messages or `seconds` pass; returns what it took.
    static func waitForMessages(_ conn: AMQPConnection, _ queue: String, count: Int, seconds: Double = 15) async throws -> [Delivery] {
        var got: [Delivery] = []
        let deadline = Date().addingTimeInterval(seconds)
        while got.count < count && Date() < deadline {
            got += try drain(conn, queue)
            if got.count < count { try await Task.sleep(for: .milliseconds(50)) }
        }
        return got
    }

    static func removeTopology(_ config: KlaxonConfig) {
        guard let conn = try? broker() else { return }
        try? WorkerKitBridge.delete(config, conn)
        conn.close()
    }
}

/// Minimal HTTP client for tests (URLSession rides on libcurl here).
struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: Data
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
}

func http(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
    var req = URLRequest(url: URL(string: url)!)
    req.httpMethod = method
    req.httpBody = body
    req.timeoutInterval = 20
    for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
    let (data, response) = try await URLSession.shared.data(for: req)
    let r = response as! HTTPURLResponse
    var h: [String: String] = [:]
    for (k, v) in r.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
    return HTTPResult(status: r.statusCode, headers: h, body: data)
}
