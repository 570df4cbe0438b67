import AMQP
import AlertCore
import Foundation
import WorkerKit

/// A channel worker (`klaxon-email`, later voice): consumes `notify.<channel>`, claims each
/// notification id (`DeliveryClaims`: skipped when already delivered, retried later while
/// another sender holds it), sends it, records it delivered and gives the claim back. Neither a
/// redelivery after a crash nor two copies handled at once page twice.
public enum ChannelWorker {
    /// Sends one notification; throws `DeliveryError` (any other error counts as transient).
    public typealias Send = @Sendable (AlertNotification) async throws -> Void

    public static func definition(channel: Channel, config: KlaxonConfig, redis: SharedRedis, concurrency: Int,
                                  logger: Logger, metrics: Metrics, send: @escaping Send) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let claims = DeliveryClaims(config: config, redis: redis, logger: logger)
        let stats = DeliveryMetrics(metrics, channel: channel)

        let handler = perMessage { d in
            let n: AlertNotification
            do { n = try Codec.decode(AlertNotification.self, from: d.body) } catch {
                return .failure(.permanent(.unparseable, "not a notification: \(error)"))
            }
            let log = logger.with(["notification": n.id, "fingerprint": n.alert.fingerprint, "channel": channel.rawValue])
            let claim = await claims.claim(n.id)
            switch claim {
            case .delivered:
                stats.duplicate()
                log.info("already delivered; skipping redelivery")
                return .success(())
            case .held:
                stats.failure(DeliveryClaims.heldElsewhere(n.id))
                return .failure(DeliveryClaims.heldElsewhere(n.id))
            case .granted, .unknown:
                break
            }
            do {
                try await send(n)
            } catch {
                await claims.release(n.id, claim)
                let e = (error as? DeliveryError) ?? .transient(.network, "\(error)")
                stats.failure(e)
                return .failure(e)
            }
            stats.delivered(n)
            log.info("delivered", ["recipients": n.recipients.joined(separator: ",")])
            await claims.delivered([n.id])
            await claims.release(n.id, claim)
            return .success(())
        }
        return WorkerDefinition(name: "klaxon-\(channel.rawValue)", queue: topology.notifyQueue(channel), batchSize: 1,
                                concurrency: concurrency, handler: handler, onStop: { redis.close() })
    }
}
