import AMQP
import AlertCore
import Foundation
import Synchronization

/// One queue consumer as a `Service`: the `Consumer` connection, the `ConsumeLoop` settling each
/// message after its side effect, and the worker's own hooks. `shutdown()` stops consuming and
/// drains for up to `drainMillis`; `run()` returns once every batch in flight is settled.
public final class ConsumerService: Service {
    public let name: String
    public let consumer: Consumer
    let loop: ConsumeLoop
    let definition: WorkerDefinition
    let logger: Logger
    /// How long `shutdown()` lets in-flight work finish before leaving the rest unacked.
    public let drainMillis = Atomic<Int>(20_000)

    public init(config: KlaxonConfig, definition: WorkerDefinition, publisher: any MessagePublishing, logger: Logger, metrics: Metrics) throws {
        guard let url = AMQPURL(config.broker.url) else {
            throw ConfigError(issues: [ConfigIssue(path: "broker.url", message: "not a valid amqp:// URL")])
        }
        let topology = BrokerTopology(config: config)
        name = "consumer \(definition.queue)"
        self.definition = definition
        self.logger = logger
        let limiter = RateLimitedLog()
        consumer = Consumer(
            .init(
                url: url, queue: definition.queue, prefetch: config.broker.prefetch, heartbeatSeconds: config.broker.heartbeatSeconds,
                onConnect: { try topology.declare(on: $0) }),
            onEvent: { event in
                // A broker down for an hour must not write a line per reconnect attempt.
                guard let suppressed = limiter.shouldLog(event) else { return }
                var extra = ["queue": definition.queue]
                if suppressed > 0 { extra["suppressed_repeats"] = String(suppressed) }
                logger.log(event.hasPrefix("consuming") ? .info : .warning, event, extra)
            })
        loop = ConsumeLoop(
            .init(
                queue: definition.queue, topology: topology.topology, retry: RetryPolicy(delaysMillis: config.delivery.retryDelaysMillis),
                batchSize: definition.batchSize, concurrency: definition.concurrency),
            consumer: consumer, publisher: publisher, logger: logger, metrics: metrics, handler: definition.handler)
    }

    public func run() async throws {
        logger.info("started", ["queue": definition.queue])
        await loop.run()
        await definition.onStop()
    }

    public func shutdown() {
        definition.onStopRequested()
        consumer.stop(drainMillis: drainMillis.load(ordering: .relaxed))
    }

    public func notReady() -> [String] { (consumer.isConsuming ? [] : ["consumer"]) + definition.readiness() }
}
