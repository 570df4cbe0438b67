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
                onConnect: { conn in
                    try ConsumerService.awaitPublisher(publisher)
                    try topology.declare(on: conn)
                }),
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

    /// How long a consumer that connected waits for its worker's publisher before it gives up
    /// this attempt (and tries again after its backoff).
    static let publisherWaitMillis = 2_000

    /// Consuming starts only while the publisher is connected. A message whose work fails is
    /// retried or dead-lettered through the publisher; with the publisher down that publish
    /// fails too and the message goes straight back to its queue, which hands it out again at
    /// once: after a broker restart the consumer of a worker often reconnected a second before
    /// its publisher, and in that second alerts went round until the quorum delivery limit (20)
    /// dead-lettered them (found by bench/chaos). Runs on the consumer's thread, before
    /// `basic.consume`, so nothing is delivered meanwhile.
    static func awaitPublisher(_ publisher: any MessagePublishing) throws(AMQPError) {
        var waited = 0
        while !publisher.isConnected {
            if waited >= publisherWaitMillis {
                throw AMQPError.unreachable("this worker's publisher is not connected; consuming waits for it")
            }
            usleep(20_000)
            waited += 20
        }
    }

    public func notReady() -> [String] { (consumer.isConsuming ? [] : ["consumer \(definition.queue)"]) + definition.readiness() }
}
