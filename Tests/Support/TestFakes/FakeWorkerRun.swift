import AMQP
import AlertCore
import WorkerKit

/// Runs a worker's handler the way `ConsumerService` does (a real `ConsumeLoop` with the
/// config's retry delays), over an `InMemoryBroker` instead of RabbitMQ.
public enum FakeWorkerRun {
    /// Consumes `definition.queue` until nothing unseen is left and every batch is settled.
    /// Onward and retry publishes go to `publisher` (default: the broker itself).
    public static func drain(
        _ definition: WorkerDefinition, config: KlaxonConfig, broker: InMemoryBroker,
        publisher: (any MessagePublishing)? = nil, metrics: Metrics = Metrics()
    ) async {
        let loop = ConsumeLoop(
            .init(
                queue: definition.queue, topology: Topology(namespace: config.broker.namespace),
                retry: RetryPolicy(delaysMillis: config.delivery.retryDelaysMillis),
                batchSize: definition.batchSize, concurrency: definition.concurrency),
            consumer: broker.consumer(of: definition.queue), publisher: publisher ?? broker,
            logger: quietLogger, metrics: metrics, handler: definition.handler)
        await loop.run()
    }

    /// A logger that writes nothing: the tests check outcomes, not log lines.
    public static let quietLogger = Logger(process: "test", minimum: .error, sink: Logger.Sink { _ in })
}
