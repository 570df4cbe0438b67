import AMQP
import AlertCore
import Foundation
import Redis
import WorkerKit

/// `klaxon-dedup`: forwards the first alert of a key inside its window and suppresses repeats,
/// counting them; `resolved` always passes and clears the window. The key comes from
/// `dedup.rules` (first match wins) or the alert's own fingerprint (`DedupConfig.key(for:)`).
///
/// Decisions for a whole batch go to Redis in one pipeline of EVALSHA calls
/// (`DedupScripts`); forwarded alerts are published onward with confirms and every message is
/// acked only after that. Redis down: fail open (forward, log, count) by default, or hold the
/// batch unacked until Redis answers (`dedup.fail_open: false`); see `DedupHandler`.
public enum DedupWorker {
    /// Messages per batch: one Redis pipeline and one burst of publishes each.
    public static let batchSize = 256
    /// Batches in flight at once: while some wait on Redis or on the broker's confirms, others
    /// are decoded. 4 rather than 2: +24 % when every alert passes (the worker waits on round
    /// trips there, not on CPU), no change when most are suppressed (bench/README.md).
    public static let concurrency = 4

    public static func definition(
        config: KlaxonConfig, publisher: any MessagePublishing, redis: any RedisCommanding, logger: Logger, metrics: Metrics
    ) -> WorkerDefinition {
        let handler = DedupHandler(config: config, publisher: publisher, redis: redis, logger: logger, metrics: metrics)
        return WorkerDefinition(
            name: "klaxon-dedup", queue: handler.topology.ingestQueue, batchSize: batchSize, concurrency: concurrency,
            handler: { await handler.handle($0) },
            readiness: { redis.isHealthy || config.dedup.failOpen ? [] : ["redis"] },
            onStop: { redis.close() },
            onStopRequested: { handler.requestStop() })
    }
}

/// The batch handler of `klaxon-dedup` and the state it keeps between batches.
final class DedupHandler: Sendable {
    let config: DedupConfig
    let topology: Topology
    let namespace: String
    let publisher: any MessagePublishing
    let redis: any RedisCommanding
    let logger: Logger
    let metrics: DedupMetrics
    let scripts = DedupScriptCache()
    let outage = RedisOutage()

    init(config: KlaxonConfig, publisher: any MessagePublishing, redis: any RedisCommanding, logger: Logger, metrics: Metrics) {
        self.config = config.dedup
        self.topology = Topology(namespace: config.broker.namespace)
        self.namespace = config.broker.namespace
        self.publisher = publisher
        self.redis = redis
        self.logger = logger
        self.metrics = DedupMetrics(metrics)
    }

    func requestStop() { outage.requestStop() }

    /// One result per delivery, in order: success once forwarded (with confirm) or suppressed;
    /// a permanent failure (dead-letter) for a body that is not a normalized alert; a transient
    /// one (retry through the delay queue) when forwarding or a Redis command failed.
    func handle(_ batch: [Delivery]) async -> [Result<Void, DeliveryError>] {
        var results = [Result<Void, DeliveryError>](repeating: .success(()), count: batch.count)
        var items: [DedupItem] = []
        items.reserveCapacity(batch.count)
        for (i, d) in batch.enumerated() {
            do {
                let alert = try Codec.decode(Alert.self, from: d.body)
                items.append(DedupItem(index: i, alert: alert, key: config.key(for: alert)))
            } catch {
                results[i] = .failure(.permanent(.unparseable, "not a normalized alert: \(error)"))
            }
        }
        if items.isEmpty { return results }

        let decisions = await decide(items)
        var forward: [OutboundMessage] = []
        var forwardIndex: [Int] = []
        var counts: [String: Int] = [:]
        for (item, outcome) in zip(items, decisions) {
            let decision: DedupDecision
            switch outcome {
            case .failure(let e):
                results[item.index] = .failure(e)
                continue
            case .success(let d): decision = d
            }
            counts[decision.metricLabel, default: 0] += 1
            guard decision.forwards else { continue }
            var body = batch[item.index].body
            if let n = decision.repeatsToReport {
                // Re-encode only when there is something to add; otherwise the bytes pass through.
                var out = item.alert
                out.suppressedRepeats = n
                body = Codec.encode(out)
            }
            forward.append(OutboundMessage(exchange: topology.exchange, routingKey: topology.routeQueue, body: body, messageID: item.alert.id))
            forwardIndex.append(item.index)
        }
        metrics.count(counts)
        if !forward.isEmpty {
            do { try await publisher.publish(forward) } catch {
                for i in forwardIndex { results[i] = .failure(.transient(.network, "forward to \(topology.routeQueue): \(error)")) }
            }
        }
        return results
    }
}

/// One decodable alert of a batch: where it sits in the batch, and its key.
struct DedupItem {
    let index: Int
    let alert: Alert
    let key: DedupKey
}
