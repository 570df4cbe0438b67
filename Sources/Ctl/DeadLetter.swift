import AMQP
import AlertCore
import Foundation

/// A dead-lettered message as an operator sees it: what it is (alert title, source, labels),
/// why it failed, how often it was tried, how long ago, and where it came from. Pure: built
/// from a `Delivery` without I/O.
struct DeadLetter {
    let delivery: Delivery
    /// Position in the queue, from 1 at the head.
    let position: Int
    let messageID: String?
    /// The notification id, when the body is a notification.
    let notificationID: String?
    let title: String?
    let source: String?
    let labels: [String: String]
    let parseable: Bool
    /// Klaxon's reason (`x-klaxon-reason`), or the broker's (`x-first-death-reason`, e.g.
    /// `delivery_limit` for a message that kept crashing its worker).
    let reason: String
    let lastError: String
    let attempts: Int
    /// When it was dead-lettered: `x-klaxon-last-failed-at`, else the message timestamp.
    let failedAt: Date?
    let originQueue: String
    /// Where replay publishes it: `x-klaxon-origin-routing-key`, else the origin queue.
    let routingKey: String

    init(_ d: Delivery, position: Int, deadLetterQueue: String) {
        delivery = d
        self.position = position
        messageID = d.messageID
        let h = d.headers
        reason = h[Topology.Header.deadLetterReason]?.description ?? h["x-first-death-reason"]?.description ?? ""
        lastError = h[Topology.Header.lastError]?.description ?? ""
        attempts = Int(h[Topology.Header.attempt]?.intValue ?? 1)
        failedAt =
            h[Topology.Header.lastFailedAt].flatMap { Timestamps.parse($0.description) }
            ?? d.timestamp.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        let fallbackQueue = deadLetterQueue.hasSuffix(".dlq") ? String(deadLetterQueue.dropLast(4)) : deadLetterQueue
        originQueue = h[Topology.Header.originQueue]?.description ?? h["x-first-death-queue"]?.description ?? fallbackQueue
        routingKey = h[Topology.Header.originRoutingKey]?.description ?? originQueue

        // The body is an alert, or a notification carrying one in `alert`.
        let json = try? JSONParsing.parse(d.body, limits: JSONLimits(maxDepth: 512))
        let alert: JSONValue?
        if let inner = json?["alert"], inner.objectValue != nil {
            alert = inner
            notificationID = json?["id"]?.stringValue
        } else {
            alert = json?.objectValue != nil ? json : nil
            notificationID = nil
        }
        parseable = alert != nil
        title = alert?["title"]?.stringValue
        source = alert?["source"]?.stringValue
        var labels: [String: String] = [:]
        for (k, v) in alert?["labels"]?.objectValue ?? [:] { labels[k] = v.scalarText }
        self.labels = labels
    }

    /// Seconds since it was dead-lettered, if known.
    func ageSeconds(now: Date) -> Double? { failedAt.map { max(0, now.timeIntervalSince($0)) } }

    /// The id to show: the notification's, else the message id.
    var displayID: String { notificationID ?? messageID ?? "-" }

    /// A one-line title; an unparseable body says so.
    var displayTitle: String { parseable ? (title ?? "(no title)") : "(unparseable body, \(delivery.body.count) bytes)" }

    /// The message `replay` publishes: the body byte for byte, the message id, and the headers
    /// minus Klaxon's failure headers and the broker's dead-letter and delivery-count headers,
    /// with the attempt reset to 1. The message starts over as if new; if it fails again its
    /// next dead letter records the new failure from scratch.
    func replayMessage(exchange: String) -> OutboundMessage {
        var headers = delivery.headers.filter { !Topology.isBrokerHeader($0.key) }
        for name in DeadLetter.droppedOnReplay { headers[name] = nil }
        headers[Topology.Header.attempt] = .int(1)
        return OutboundMessage(exchange: exchange, routingKey: routingKey, body: delivery.body, headers: headers, messageID: delivery.messageID)
    }

    static let droppedOnReplay: [String] = [
        Topology.Header.originQueue, Topology.Header.originRoutingKey, Topology.Header.firstFailedAt,
        Topology.Header.lastFailedAt, Topology.Header.lastError, Topology.Header.deadLetterReason,
    ]
}
