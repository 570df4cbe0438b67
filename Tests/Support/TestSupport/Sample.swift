import AMQP
import AlertCore
import Foundation

/// Notifications and dead letters as the fleet writes them.
public enum Sample {
    /// An e-mail notification `id` for oncall@example.com about a firing alert `a-<id>`.
    public static func notification(_ id: String, labels: [String: String] = ["team": "db"], title: String = "Disk full") -> AlertNotification {
        let alert = Alert(
            id: "a-\(id)", source: "alertmanager", integration: "am", status: .firing, fingerprint: "fp-\(id)",
            title: title, message: "m", severity: "critical", labels: labels, annotations: [:],
            startsAt: "2024-05-01T10:00:00Z", endsAt: nil, receivedAt: Timestamps.format(Date()), links: [])
        return AlertNotification(id: id, channel: "email", recipients: ["oncall@example.com"], route: "r", alert: alert)
    }

    /// Headers `ConsumeLoop` writes on a dead letter of `queue`.
    public static func deadLetterHeaders(queue: String, reason: String, attempts: Int64 = 1) -> [String: HeaderValue] {
        let now = Timestamps.format(Date())
        return [
            Topology.Header.attempt: .int(attempts), Topology.Header.originQueue: .string(queue),
            Topology.Header.originRoutingKey: .string(queue), Topology.Header.firstFailedAt: .string(now),
            Topology.Header.lastFailedAt: .string(now), Topology.Header.lastError: .string(reason),
            Topology.Header.deadLetterReason: .string(reason),
        ]
    }
}

extension Delivery {
    /// The notification id in the body, if it is one.
    public var notificationID: String? { try? Codec.decode(AlertNotification.self, from: body).id }
}
