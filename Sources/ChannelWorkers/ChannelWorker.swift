import AMQP
import AlertCore
import Foundation
import Notify
import Redis
import WorkerKit

/// The queue policy every channel shares (`klaxon-email`, `klaxon-chat`, later voice): consume
/// `notify.<channel>`, decode, check the channel, claim the notification id (`DeliveryClaims`:
/// skipped when already delivered, retried later while another sender holds it), deliver,
/// record it delivered, give the claim back, count. Neither a redelivery after a crash nor two
/// copies handled at once page twice.
///
/// The seam: how to talk to a vendor lives in `Notify` (`Notifier` for one notification per
/// request, `ChatSender` for robot messages); what a channel adds between the queue and the
/// vendor (chat: a robot's budget and digests, `ChatDispatcher`) is its `Deliver`.
public enum ChannelWorker {
    /// Delivers one notification; failures are `DeliveryError` results (retried or dead-lettered
    /// by the consume loop).
    public typealias Deliver = @Sendable (AlertNotification) async -> Result<Void, DeliveryError>

    /// A `Deliver` that sends through a vendor `Notifier` (one request per notification). A
    /// thrown error other than `DeliveryError` counts as transient.
    public static func deliver(with notifier: any Notifier) -> Deliver {
        { n in
            do {
                try await notifier.send(n)
                return .success(())
            } catch {
                return .failure((error as? DeliveryError) ?? .transient(.network, "\(error)"))
            }
        }
    }

    /// - Parameters:
    ///   - batchSize: notifications handled together: claimed in one Redis round trip, sent
    ///     concurrently, recorded and released in one more (e-mail: twice its SMTP threads).
    ///   - concurrency: batches in flight.
    public static func definition(
        channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, batchSize: Int = 1, concurrency: Int,
        logger: Logger, metrics: Metrics, readiness: @escaping @Sendable () -> [String] = { [] },
        onStopRequested: @escaping @Sendable () -> Void = {}, deliver: @escaping Deliver
    ) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let claims = DeliveryClaims(config: config, redis: redis, logger: logger)
        let stats = DeliveryMetrics(metrics, channel: channel)
        let handler: BatchHandler = { batch in
            let results = await handle(batch, channel: channel, claims: claims, stats: stats, deliver: deliver, logger: logger)
            for case .failure(let e) in results { stats.failure(e) }
            return results
        }
        return WorkerDefinition(
            name: "klaxon-\(channel.rawValue)", queue: topology.notifyQueue(channel), batchSize: batchSize,
            concurrency: concurrency, handler: handler, readiness: readiness, onStop: { redis.close() },
            onStopRequested: onStopRequested)
    }

    /// One batch: decode and check each notification, claim them all (one pipeline), send those
    /// this sender may send, concurrently, each holding its claim, then record and release them
    /// all (one pipeline). Results in delivery order.
    static func handle(
        _ batch: [Delivery], channel: Channel, claims: DeliveryClaims, stats: DeliveryMetrics, deliver: @escaping Deliver, logger: Logger
    ) async -> [Result<Void, DeliveryError>] {
        var results = [Result<Void, DeliveryError>](repeating: .success(()), count: batch.count)
        var valid: [(index: Int, n: AlertNotification)] = []
        for (i, d) in batch.enumerated() {
            switch decode(d, channel: channel) {
            case .success(let n): valid.append((i, n))
            case .failure(let e): results[i] = .failure(e)
            }
        }
        guard !valid.isEmpty else { return results }
        let granted = await claims.claim(valid.map(\.n.id))
        let sends = await withTaskGroup(of: (Int, Result<Void, DeliveryError>).self) { group in
            for (k, (i, n)) in valid.enumerated() {
                let log = logger.with(["notification": n.id, "fingerprint": n.alert.fingerprint, "channel": channel.rawValue])
                switch granted[k] {
                case .delivered:
                    stats.duplicate()
                    log.info("already delivered; skipping redelivery")
                case .held:
                    results[i] = .failure(DeliveryClaims.heldElsewhere(n.id))
                case .granted, .unknown:
                    let claim = granted[k]
                    group.addTask {
                        let result = await claims.holding(n.id, claim) { await deliver(n) }
                        if case .success = result {
                            stats.delivered(n)
                            log.info("delivered", ["recipients": n.recipients.joined(separator: ",")])
                        }
                        return (k, result)
                    }
                }
            }
            var sent: [(Int, Result<Void, DeliveryError>)] = []
            for await s in group { sent.append(s) }
            return sent
        }
        var finished: [(id: String, claim: DeliveryClaims.Claim, delivered: Bool)] = []
        for (k, result) in sends {
            results[valid[k].index] = result
            finished.append((id: valid[k].n.id, claim: granted[k], delivered: (try? result.get()) != nil))
        }
        await claims.finish(finished)
        return results
    }

    /// The notification in a delivery, for this channel; a permanent failure otherwise.
    static func decode(_ d: Delivery, channel: Channel) -> Result<AlertNotification, DeliveryError> {
        let n: AlertNotification
        do { n = try Codec.decode(AlertNotification.self, from: d.body) } catch {
            return .failure(.permanent(.unparseable, "not a notification: \(error)"))
        }
        guard n.channel == channel.rawValue else {
            return .failure(.permanent(.invalidPayload, "notification \(n.id) is for channel \(n.channel), not \(channel.rawValue)"))
        }
        return .success(n)
    }
}
