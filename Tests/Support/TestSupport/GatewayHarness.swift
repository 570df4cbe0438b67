import AMQP
import AlertCore
import Foundation
import Gateway
import WorkerKit
import YAMLConfig

/// A gateway on a free port with its own namespace and integrations, against the real broker.
public struct GatewayHarness {
    /// The secrets its configs read: the token, basic-auth user and password, HMAC key.
    public static let secrets: [String: String] = [
        "TEST_TOKEN": TestEnvironment.token,
        "GW_USER": "grafana", "GW_PASSWORD": "pa:ss wörd",
        "GW_HMAC": "hmac-secret-0123456789",
    ]

    /// The test's own namespace.
    public let namespace: String
    /// The parsed config.
    public let config: KlaxonConfig
    /// The gateway's metrics.
    public let metrics = Metrics()
    /// The gateway's publisher.
    public let publisher: Publisher
    /// The running gateway.
    public let gateway: GatewayService
    /// Its port on 127.0.0.1.
    public let port: Int

    /// `http://127.0.0.1:PORT`.
    public var base: String { "http://127.0.0.1:\(port)" }
    /// The path of an integration of `kind`, with the token.
    public func path(_ kind: String = "alertmanager") -> String { "/integrations/\(kind)/\(TestEnvironment.token)" }
    /// The URL of an integration of `kind`, with the token.
    public func url(_ kind: String = "alertmanager") -> String { base + path(kind) }

    /// `gateway` lines go under `gateway:`; `integrations` replaces the default list.
    public init(gateway gatewayYAML: String = "", integrations: String? = nil, brokerURL: String? = nil) throws {
        namespace = TestEnvironment.namespace()
        let list =
            integrations ?? """
                - name: test-am
                  kind: alertmanager
                  token_env: TEST_TOKEN
                """
        let yaml = """
            broker:
              url: \(brokerURL ?? TestEnvironment.amqpURL)
              namespace: \(namespace)
              heartbeat_seconds: 0
            gateway:
              listen: 127.0.0.1:0
            \(gatewayYAML.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            integrations:
            \(list)
            """
        config = try ConfigLoader.parse(yaml, environment: Self.secrets)
        publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
        gateway = GatewayService(config: config, publisher: publisher, logger: Logger(process: "test", minimum: .error), metrics: metrics)
        port = try gateway.start()
        // (Only on the real broker: tests of an absent or silent one want the publisher down.)
        if brokerURL == nil { publisher.waitUntilConnected() }
    }

    /// Stops the gateway and the publisher and removes the test's queues.
    public func finish() async {
        gateway.stop()
        await publisher.shutdown()
        TestEnvironment.removeTopology(config)
    }
}

extension Publisher {
    /// Waits (bounded) until the publisher is connected and has declared the topology: ready as
    /// the fleet's `/readyz` means it. At the start of a full run, with a hundred suites
    /// declaring quorum queues at once, that took longer than a request's `publish_timeout`, and
    /// a test's first alert got a 503. Blocks the calling thread.
    public func waitUntilConnected(seconds: Double = 60) {
        let deadline = Date().addingTimeInterval(seconds)
        while !isConnected && Date() < deadline { usleep(20_000) }
    }
}
