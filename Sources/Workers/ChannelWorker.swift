import AMQP
import AlertCore
import Foundation
import Redis
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
        let ns = config.broker.namespace
        let ttl = String(config.delivery.idempotencyTTLMillis)
        let sent = metrics.counter("klaxon_notifications_total", "Notifications delivered, by channel.")
        let failed = metrics.counter("klaxon_notifications_failed_total", "Failed delivery attempts, by channel and reason.")
        let skipped = metrics.counter("klaxon_notifications_duplicate_total", "Redelivered notifications skipped as already delivered.")
        let latency = metrics.histogram("klaxon_notification_latency_seconds", "Time from the alert's arrival at the gateway to delivery.")
        let label = ["channel": channel.rawValue]

        let handler: BatchHandler = { batch in
            await withTaskGroup(of: (Int, Result<Void, DeliveryError>).self) { group in
                for (i, d) in batch.enumerated() {
                    group.addTask {
                        let n: Notification
                        do { n = try Codec.decode(Notification.self, from: d.body) } catch {
                            return (i, .failure(.permanent(.unparseable, "not a notification: \(error)")))
                        }
                        let log = logger.with(["notification": n.id, "fingerprint": n.alert.fingerprint, "channel": channel.rawValue])
                        let key = RedisKeys.delivered(ns, n.id)
                        if let r = try? await redis.command(["EXISTS", key]), r.integer == 1 {
                            skipped.inc(label)
                            log.info("already delivered; skipping redelivery")
                            return (i, .success(()))
                        }
                        do {
                            try await send(n)
                        } catch {
                            let e = (error as? DeliveryError) ?? .transient(.network, "\(error)")
                            failed.inc(["channel": channel.rawValue, "reason": e.reason.rawValue])
                            return (i, .failure(e))
                        }
                        sent.inc(label)
                        if let received = Timestamps.parse(n.alert.receivedAt) {
                            latency.observe(Date().timeIntervalSince(received), label)
                        }
                        log.info("delivered", ["recipients": n.recipients.joined(separator: ",")])
                        do { _ = try await redis.command(["SET", key, "1", "PX", ttl]) } catch {
                            log.warning("delivered, but cannot record it in Redis; a redelivery would send it again", ["error": "\(error)"])
                        }
                        return (i, .success(()))
                    }
                }
                var results = [Result<Void, DeliveryError>](repeating: .success(()), count: batch.count)
                for await (i, r) in group { results[i] = r }
                return results
            }
        }
        return WorkerDefinition(name: "klaxon-\(channel.rawValue)", queue: topology.notifyQueue(channel), batchSize: 1,
                                concurrency: concurrency, handler: handler, onStop: { redis.close() })
    }
}
