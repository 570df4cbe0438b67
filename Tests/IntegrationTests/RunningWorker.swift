import AMQP
import AlertCore
import Foundation
import WorkerKit

/// A worker host running in this process, for tests; `stop()` drains it like SIGTERM would.
struct RunningWorker {
    let host: WorkerHost
    let task: Task<Void, Never>
    let publisher: Publisher

    init(config: KlaxonConfig, healthListen: ListenAddress? = nil, define: (Publisher, Logger, Metrics) throws -> WorkerDefinition) throws {
        let metrics = Metrics()
        let logger = Logger(process: "test-worker", minimum: .error)
        let host = try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: healthListen) { p in try define(p, logger, metrics) }
        self.host = host
        self.publisher = host.publisher
        task = Task { await host.run() }
    }

    var metrics: Metrics { host.metrics }

    func stop() async {
        host.stop(drainMillis: 5000)
        await task.value
    }

    /// Waits until the consumer is registered with the broker.
    func waitUntilConsuming(seconds: Double = 15) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !host.consumer.isConsuming {
            if Date() > deadline { throw TestEnvironment.Unreachable(description: "worker did not start consuming: \(host.consumer.lastError ?? "no error")") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Publishes test input with confirms.
func publish(_ publisher: Publisher, _ bodies: [[UInt8]], to queue: String, namespace: String, headers: [String: HeaderValue] = [:]) async throws {
    try await publisher.publish(bodies.map { OutboundMessage(exchange: namespace, routingKey: queue, body: $0, headers: headers) })
}
