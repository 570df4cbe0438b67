import AMQP
import AlertCore
import Foundation
import HTTPServer

/// What a worker contributes: the queue it consumes and how it handles a batch. The host does
/// the rest (connections, topology, health, metrics, retries, shutdown).
public struct WorkerDefinition: Sendable {
    public var name: String
    public var queue: String
    /// More queues handled by the same handler, each by a consumer (a connection) of its own, so
    /// a backlog on `queue` never delays them (the escalator's commands).
    public var alsoConsumes: [String]
    public var batchSize: Int
    public var concurrency: Int
    public var handler: BatchHandler
    /// Extra readiness checks (e.g. Redis), names of what is not ready.
    public var readiness: @Sendable () -> [String]
    /// Called once the consume loop has finished (close clients).
    public var onStop: @Sendable () async -> Void
    /// Called when `stop()` is requested, before the consumer stops: a handler waiting on
    /// something (dedup holding a batch while Redis is down) stops waiting and settles.
    public var onStopRequested: @Sendable () -> Void

    public init(
        name: String, queue: String, alsoConsumes: [String] = [], batchSize: Int, concurrency: Int, handler: @escaping BatchHandler,
        readiness: @escaping @Sendable () -> [String] = { [] }, onStop: @escaping @Sendable () async -> Void = {},
        onStopRequested: @escaping @Sendable () -> Void = {}
    ) {
        self.name = name
        self.queue = queue
        self.alsoConsumes = alsoConsumes
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.handler = handler
        self.readiness = readiness
        self.onStop = onStop
        self.onStopRequested = onStopRequested
    }
}

/// One queue worker as a `ServiceGroup`: the broker publisher (`PublisherService`) and the
/// consumer with its consume loop (`ConsumerService`, one per queue it consumes), plus any
/// `extra` services (timer loops), with the health endpoints. `stop()` (SIGTERM in main) stops
/// consuming, lets in-flight work finish and ack, then stops the extra services, then the
/// publisher; `run()` returns.
public final class WorkerHost: Sendable {
    public let publisher: Publisher
    /// The consumer of the definition's `queue`.
    public let consumer: Consumer
    public let metrics: Metrics
    public let group: ServiceGroup
    let consumerServices: [ConsumerService]
    let logger: Logger

    /// The broker publisher every process uses: declares the topology on each connect, records
    /// publish-to-confirm latency, and logs connection trouble (repeats rate-limited).
    public static func makePublisher(
        config: KlaxonConfig, metrics: Metrics, logger: Logger? = nil,
        confirmTimeoutMillis: Int64 = 10_000
    ) throws -> Publisher {
        guard let url = AMQPURL(config.broker.url) else {
            throw ConfigError(issues: [ConfigIssue(path: "broker.url", message: "not a valid amqp:// URL")])
        }
        let topology = BrokerTopology(config: config)
        let latency = metrics.histogram("klaxon_publish_confirm_seconds", "Time from publish to the broker's confirm.")
        let returned = metrics.counter(
            "klaxon_publish_returned_total",
            "Publishes the broker returned because no queue took them (a missing queue or binding); each failed.")
        returned.inc([:], by: 0)
        let limiter = RateLimitedLog()
        let returnLog = RateLimitedLog()
        return Publisher(
            .init(
                url: url, window: config.broker.confirmWindow, heartbeatSeconds: config.broker.heartbeatSeconds,
                confirmTimeoutMillis: confirmTimeoutMillis, onConnect: { try topology.declare(on: $0) }),
            onConfirmLatency: { latency.observe($0) },
            onEvent: { event in
                guard let logger, let suppressed = limiter.shouldLog(event) else { return }
                let level: Logger.Level =
                    event.hasPrefix("publisher connected")
                    ? .info
                    : event.hasPrefix("publisher declared") ? .warning : .error
                logger.log(level, event, suppressed > 0 ? ["suppressed_repeats": String(suppressed)] : [:])
            },
            onReturned: { reason in
                returned.inc()
                guard let logger, let suppressed = returnLog.shouldLog(reason) else { return }
                logger.error(
                    "the broker returned a message: no queue took it; the publish failed and is retried by its sender",
                    ["reason": reason, "suppressed_repeats": String(suppressed)])
            })
    }

    /// `define` builds the worker around the host's publisher (workers publish onward with it);
    /// `extra` adds services that run beside the consumer (stopped before the publisher).
    public init(
        config: KlaxonConfig, logger: Logger, metrics: Metrics, healthListen: ListenAddress?,
        extra: (Publisher) throws -> [any Service] = { _ in [] },
        define: (Publisher) throws -> WorkerDefinition
    ) throws {
        self.logger = logger
        self.metrics = metrics
        let publisher = try WorkerHost.makePublisher(config: config, metrics: metrics, logger: logger)
        self.publisher = publisher
        let definition = try define(publisher)
        // The queue's own consumer closes the worker's clients and reports its readiness; the
        // others only consume.
        let others = definition.alsoConsumes.map { queue in
            var d = definition
            d.queue = queue
            d.onStop = {}
            d.readiness = { [] }
            return d
        }
        let consumers = try ([definition] + others).map {
            try ConsumerService(config: config, definition: $0, publisher: publisher, logger: logger, metrics: metrics)
        }
        consumerServices = consumers
        consumer = consumers[0].consumer
        // Stopped last first: the other queues' consumers, then the queue's own (which closes).
        group = try ServiceGroup(
            services: [PublisherService(publisher)] + (try extra(publisher)) + consumers,
            logger: logger, metrics: metrics, healthListen: healthListen)
    }

    /// The bound health port (tests listen on port 0).
    public var healthPort: Int? { group.healthPort }

    /// Runs until stopped; a service failure is logged and ends the run.
    public func run() async {
        do { try await group.run() } catch { logger.error("stopped after a failure", ["error": "\(error)"]) }
        logger.info("stopped")
    }

    public func stop(drainMillis: Int = 20_000) {
        logger.info("stopping: no new messages; finishing what is in flight")
        for c in consumerServices { c.drainMillis.store(drainMillis, ordering: .relaxed) }
        group.shutdown()
    }
}
