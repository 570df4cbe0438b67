import AMQP
import AlertCore
import Foundation
import WorkerKit

/// A channel worker (`klaxon-email`, later voice and chat): consumes `notify.<channel>`, skips a
/// notification whose id is recorded as delivered, sends it, records it. Redelivery after a
/// crash between send and ack therefore does not page twice while the record lives.
public enum ChannelWorker {
    /// Sends one notification; throws `DeliveryError` (any other error counts as transient).
    public typealias Send = @Sendable (AlertCore.Notification) async throws -> Void

    public static func definition(channel: Channel, config: KlaxonConfig, redis: SharedRedis, concurrency: Int,
                                  logger: Logger, metrics: Metrics, send: @escaping Send) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let deliveries = DeliveryLog(config: config, redis: redis, logger: logger)
        let stats = DeliveryMetrics(metrics, channel: channel)

        let handler = perMessage { d in
            let n: Notification
            do { n = try Codec.decode(Notification.self, from: d.body) } catch {
                return .failure(.permanent(.unparseable, "not a notification: \(error)"))
            }
            let log = logger.with(["notification": n.id, "fingerprint": n.alert.fingerprint, "channel": channel.rawValue])
            if await deliveries.wasDelivered(n.id) {
                stats.duplicate()
                log.info("already delivered; skipping redelivery")
                return .success(())
            }
            do {
                try await send(n)
            } catch {
                let e = (error as? DeliveryError) ?? .transient(.network, "\(error)")
                stats.failure(e)
                return .failure(e)
            }
            stats.delivered(n)
            log.info("delivered", ["recipients": n.recipients.joined(separator: ",")])
            await deliveries.record([n.id])
            return .success(())
        }
        return WorkerDefinition(name: "klaxon-\(channel.rawValue)", queue: topology.notifyQueue(channel), batchSize: 1,
                                concurrency: concurrency, handler: handler, onStop: { redis.close() })
    }
}
