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

    public static func definition(
        channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, concurrency: Int,
        logger: Logger, metrics: Metrics, readiness: @escaping @Sendable () -> [String] = { [] },
        onStopRequested: @escaping @Sendable () -> Void = {}, deliver: @escaping Deliver
    ) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let claims = DeliveryClaims(config: config, redis: redis, logger: logger)
        let stats = DeliveryMetrics(metrics, channel: channel)

        let handler = perMessage { d in
            let n: AlertNotification
            do { n = try Codec.decode(AlertNotification.self, from: d.body) } catch {
                return .failure(.permanent(.unparseable, "not a notification: \(error)"))
            }
            let result = await handle(
                n, channel: channel, claims: claims, stats: stats, deliver: deliver,
                log: logger.with(["notification": n.id, "fingerprint": n.alert.fingerprint, "channel": channel.rawValue]))
            if case .failure(let e) = result { stats.failure(e) }
            return result
        }
        return WorkerDefinition(
            name: "klaxon-\(channel.rawValue)", queue: topology.notifyQueue(channel), batchSize: 1,
            concurrency: concurrency, handler: handler, readiness: readiness, onStop: { redis.close() },
            onStopRequested: onStopRequested)
    }

    static func handle(
        _ n: AlertNotification, channel: Channel, claims: DeliveryClaims, stats: DeliveryMetrics,
        deliver: @escaping Deliver, log: Logger
    ) async -> Result<Void, DeliveryError> {
        guard n.channel == channel.rawValue else {
            return .failure(.permanent(.invalidPayload, "notification \(n.id) is for channel \(n.channel), not \(channel.rawValue)"))
        }
        let claim = await claims.claim(n.id)
        switch claim {
        case .delivered:
            stats.duplicate()
            log.info("already delivered; skipping redelivery")
            return .success(())
        case .held:
            return .failure(DeliveryClaims.heldElsewhere(n.id))
        case .granted, .unknown:
            break
        }
        let result = await claims.holding(n.id, claim) { await deliver(n) }
        if case .success = result {
            stats.delivered(n)
            log.info("delivered", ["recipients": n.recipients.joined(separator: ",")])
        }
        await claims.finish(n.id, claim, delivered: (try? result.get()) != nil)
        return result
    }
}
