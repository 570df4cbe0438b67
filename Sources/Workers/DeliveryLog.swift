import AlertCore
import Foundation
import WorkerKit

/// Which notifications a channel has delivered: `<ns>:delivered:<id>` in Redis for
/// `delivery.idempotency_ttl`. A channel worker skips a notification found here, so a
/// redelivery after a crash between send and ack does not page twice while the record lives.
struct DeliveryLog: Sendable {
    let redis: SharedRedis
    let namespace: String
    let ttl: String
    let logger: Logger

    init(config: KlaxonConfig, redis: SharedRedis, logger: Logger) {
        self.redis = redis
        namespace = config.broker.namespace
        ttl = String(config.delivery.idempotencyTTLMillis)
        self.logger = logger
    }

    /// `false` when Redis cannot say: sending again beats a lost page.
    func wasDelivered(_ id: String) async -> Bool {
        guard let r = try? await redis.command(["EXISTS", RedisKeys.delivered(namespace, id)]) else { return false }
        return r.integer == 1
    }

    /// Records delivered ids, in one pipeline. A Redis failure is logged, not thrown: the page
    /// went out; only a later redelivery could send it again.
    func record(_ ids: [String]) async {
        do { _ = try await redis.pipeline(ids.map { ["SET", RedisKeys.delivered(namespace, $0), "1", "PX", ttl] }) } catch {
            logger.warning("delivered, but cannot record it in Redis; a redelivery would send it again",
                           ["error": "\(error)", "notifications": ids.joined(separator: ",")])
        }
    }
}

/// Metrics every channel worker keeps, registered once here.
struct DeliveryMetrics: Sendable {
    let sent: Counter
    let failed: Counter
    let skipped: Counter
    let latency: Histogram
    let channel: Channel

    init(_ metrics: Metrics, channel: Channel) {
        sent = metrics.counter("klaxon_notifications_total", "Notifications delivered, by channel.")
        failed = metrics.counter("klaxon_notifications_failed_total", "Failed delivery attempts, by channel and reason.")
        skipped = metrics.counter("klaxon_notifications_duplicate_total", "Redelivered notifications skipped as already delivered.")
        latency = metrics.histogram("klaxon_notification_latency_seconds", "Time from the alert's arrival at the gateway to delivery.",
                                    series: [["channel": channel.rawValue]])
        self.channel = channel
    }

    func delivered(_ n: AlertCore.Notification) {
        sent.inc(["channel": channel.rawValue])
        if let received = Timestamps.parse(n.alert.receivedAt) { latency.observe(Date().timeIntervalSince(received), ["channel": channel.rawValue]) }
    }

    func failure(_ e: DeliveryError) { failed.inc(["channel": channel.rawValue, "reason": e.reason.rawValue]) }
    func duplicate() { skipped.inc(["channel": channel.rawValue]) }
}
