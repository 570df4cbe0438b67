import AlertCore
import Foundation
import WorkerKit

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
        latency = metrics.histogram(
            "klaxon_notification_latency_seconds", "Time from the alert's arrival at the gateway to delivery.",
            series: [["channel": channel.rawValue]])
        self.channel = channel
    }

    func delivered(_ n: AlertNotification) {
        sent.inc(["channel": channel.rawValue])
        if let received = Timestamps.parse(n.alert.receivedAt) { latency.observe(Date().timeIntervalSince(received), ["channel": channel.rawValue]) }
    }

    func failure(_ e: DeliveryError) { failed.inc(["channel": channel.rawValue, "reason": e.reason.rawValue]) }
    func duplicate() { skipped.inc(["channel": channel.rawValue]) }
}
