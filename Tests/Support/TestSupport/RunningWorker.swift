import AMQP
import AlertCore
import Foundation
import WorkerKit

/// A worker host running in this process, for tests; `stop()` drains it like SIGTERM would.
public struct RunningWorker: Sendable {
    /// The host (publisher, consumer, services).
    public let host: WorkerHost
    /// Its publisher, for a test's own input.
    public let publisher: Publisher
    private let task: Task<Void, Never>

    /// Starts a host for `config` whose worker `define` builds (given the publisher, a logger
    /// that shows errors only, and the host's metrics).
    public init(
        config: KlaxonConfig, healthListen: ListenAddress? = nil,
        define: (Publisher, Logger, Metrics) throws -> WorkerDefinition
    ) throws {
        let metrics = Metrics()
        let logger = Logger(process: "test-worker", minimum: .error)
        let host = try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: healthListen) { p in try define(p, logger, metrics)
        }
        self.host = host
        self.publisher = host.publisher
        task = Task { await host.run() }
    }

    /// The host's metrics.
    public var metrics: Metrics { host.metrics }

    /// Stops consuming, drains (up to 5 s) and waits until the host returned.
    public func stop() async {
        host.stop(drainMillis: 5000)
        await task.value
    }

    /// Waits until the consumer is registered with the broker.
    public func waitUntilConsuming(seconds: Double = 15) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !host.consumer.isConsuming {
            if Date() > deadline { throw TestFailure("worker did not start consuming: \(host.consumer.lastError ?? "no error")") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Publishes test input to `queue` of `namespace`, with confirms.
public func publish(
    _ publisher: Publisher, _ bodies: [[UInt8]], to queue: String, namespace: String,
    headers: [String: HeaderValue] = [:]
) async throws {
    try await publisher.publish(bodies.map { OutboundMessage(exchange: namespace, routingKey: queue, body: $0, headers: headers) })
}
