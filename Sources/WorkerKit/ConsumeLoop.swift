import AMQP
import AlertCore
import Foundation

/// Handles a batch of deliveries and returns one result per delivery, in order. Results are
/// `DeliveryError`s for failures; the loop decides retry or dead-letter from them.
public typealias BatchHandler = @Sendable ([Delivery]) async -> [Result<Void, DeliveryError>]

/// Pulls batches from a consumer (`MessageConsuming`: the AMQP `Consumer`, or a fake in tests), runs the handler with bounded concurrency, and settles each
/// message only after its side effect: ack on success; on failure republish (with confirm) to a
/// delay queue or the dead-letter queue, then ack. If that publish fails the message is given
/// back to the queue, never dropped.
public final class ConsumeLoop: Sendable {
    public struct Configuration: Sendable {
        public var queue: String
        public var topology: Topology
        public var retry: RetryPolicy
        public var batchSize: Int
        public var concurrency: Int

        public init(queue: String, topology: Topology, retry: RetryPolicy, batchSize: Int, concurrency: Int) {
            self.queue = queue
            self.topology = topology
            self.retry = retry
            self.batchSize = batchSize
            self.concurrency = concurrency
        }
    }

    let config: Configuration
    let consumer: any MessageConsuming
    let publisher: any MessagePublishing
    let logger: Logger
    let handler: BatchHandler
    let handled: Counter
    let failures: Counter
    let retryLog = RateLimitedLog()

    public init(
        _ config: Configuration, consumer: any MessageConsuming, publisher: any MessagePublishing, logger: Logger, metrics: Metrics,
        handler: @escaping BatchHandler
    ) {
        self.config = config
        self.consumer = consumer
        self.publisher = publisher
        self.logger = logger
        self.handler = handler
        handled = metrics.counter(
            "klaxon_messages_total", "Messages settled by this worker, by queue and outcome (ack, retry, wait, dead_letter, requeue).")
        failures = metrics.counter("klaxon_message_failures_total", "Handler failures by queue, kind and reason.")
    }

    /// Runs until the consumer stops and every batch in flight is settled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            while let batch = await consumer.nextBatch(max: config.batchSize) {
                if running >= config.concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.process(batch) }
                running += 1
            }
            await group.waitForAll()
        }
    }

    func process(_ batch: [Delivery]) async {
        let results = await handler(batch)
        precondition(results.count == batch.count, "a handler must return one result per delivery")
        for (d, result) in zip(batch, results) {
            let attempt = Int(d.headers[Topology.Header.attempt]?.intValue ?? 1)
            if case .failure(let e) = result {
                failures.inc(["queue": config.queue, "kind": e.kind.rawValue, "reason": e.reason.rawValue])
            }
            switch config.retry.decide(result, attempt: attempt) {
            case .ack:
                consumer.ack(d)
                handled.inc(["queue": config.queue, "outcome": "ack"])
            case .retry(let delay):
                let error = result.failureDescription
                if let n = retryLog.shouldLog(error) {
                    logger.warning(
                        "delivery failed; will retry",
                        [
                            "queue": config.queue, "attempt": String(attempt), "retry_in": formatDurationMillis(delay), "error": error,
                            "suppressed_repeats": String(n),
                        ])
                }
                await republish(
                    d, to: config.topology.delayQueue(of: config.queue, delayMillis: delay), attempt: attempt + 1, error: error, reason: nil,
                    outcome: "retry")
            case .wait(let delay):
                await republish(
                    d, to: config.topology.delayQueue(of: config.queue, delayMillis: delay), attempt: attempt, error: result.failureDescription,
                    reason: nil, outcome: "wait")
            case .deadLetter(let reason):
                logger.error("dead-lettered", ["queue": config.queue, "attempt": String(attempt), "reason": reason, "message_id": d.messageID ?? ""])
                await republish(
                    d, to: config.topology.deadLetterQueue(of: config.queue), attempt: attempt, error: result.failureDescription, reason: reason,
                    outcome: "dead_letter")
            }
        }
    }

    /// The original body, unchanged, with Klaxon's failure headers added.
    private func republish(_ d: Delivery, to queue: String, attempt: Int, error: String, reason: String?, outcome: String) async {
        let now = Timestamps.format(Date())
        // The broker's own bookkeeping (x-death, x-first-death-*, x-delivery-count, …) describes
        // the old message; copying it would also flatten x-death's array into text.
        var headers = d.headers.filter { !Topology.isBrokerHeader($0.key) }
        headers[Topology.Header.attempt] = .int(Int64(attempt))
        if headers[Topology.Header.originQueue] == nil { headers[Topology.Header.originQueue] = .string(config.queue) }
        if headers[Topology.Header.originRoutingKey] == nil { headers[Topology.Header.originRoutingKey] = .string(config.queue) }
        if headers[Topology.Header.firstFailedAt] == nil { headers[Topology.Header.firstFailedAt] = .string(now) }
        headers[Topology.Header.lastFailedAt] = .string(now)
        headers[Topology.Header.lastError] = .string(String(error.prefix(1000)))
        if let reason { headers[Topology.Header.deadLetterReason] = .string(String(reason.prefix(1000))) }
        let message = OutboundMessage(exchange: config.topology.exchange, routingKey: queue, body: d.body, headers: headers, messageID: d.messageID)
        do {
            try await publisher.publish(message)
            consumer.ack(d)
            handled.inc(["queue": config.queue, "outcome": outcome])
        } catch {
            logger.warning("cannot republish; returning the message to its queue", ["queue": config.queue, "target": queue, "error": "\(error)"])
            consumer.requeue(d)
            handled.inc(["queue": config.queue, "outcome": "requeue"])
        }
    }
}

extension Result where Failure == DeliveryError {
    var failureDescription: String {
        if case .failure(let e) = self { return e.description }
        return ""
    }
}
