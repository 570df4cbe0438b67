import AlertCore
import Escalation
import Foundation
import OnCall

/// A contact step of a person that is due some time after its step fired (a person's
/// "call me if I have not acknowledged after 5 minutes"): sent then, unless the incident was
/// acknowledged, snoozed or resolved meanwhile.
public struct DelayedDelivery: Sendable, Equatable, Codable {
    /// When it is due.
    public var due: Date
    /// The notification to publish then.
    public var notification: AlertNotification
    /// Whose contact step it is (a call they did not answer makes it due at once); nil in
    /// records saved before it was kept.
    public var people: [PersonID]?

    /// A delayed notification.
    public init(due: Date, notification: AlertNotification, people: [PersonID]? = nil) {
        self.due = due
        self.notification = notification
        self.people = people
    }
}

/// Everything the escalator keeps about one incident: the pure `Incident`, the alert it pages
/// about, and the work decided but not yet done. Stored as one JSON document, so a transition
/// and the notifications it decided are saved together (an outbox): a process killed after the
/// save and before publishing leaves them in `outbox`, and whoever loads the record next
/// publishes them (their ids are deterministic, so the channel workers deliver each once).
public struct IncidentRecord: Sendable, Equatable, Codable {

    /// The incident.
    public var incident: Incident
    /// The alert: the one that opened it, replaced by each repeat (fresher annotations).
    public var alert: Alert
    /// Notifications decided and saved but not yet confirmed by the broker.
    public var outbox: [AlertNotification]
    /// Since when `outbox` has not been empty (`queue(_:at:)`): an outbox older than a moment
    /// was left by a process that died before publishing it, and the watch publishes it.
    public var outboxSince: Date?
    /// Contact steps due later.
    public var delayed: [DelayedDelivery]
    /// The ids of the last messages applied (alerts and commands), newest last: a message
    /// redelivered after its transition was saved is recognised and not applied twice.
    public var applied: [String]
    /// When the watch last came back (a second watch chain, from a redelivery, is dropped).
    public var lastWatchAt: Date?

    /// How many applied ids are remembered.
    public static let appliedLimit = 64

    /// A fresh record.
    public init(incident: Incident, alert: Alert) {
        self.incident = incident
        self.alert = alert
        outbox = []
        outboxSince = nil
        delayed = []
        applied = []
        lastWatchAt = nil
    }

    /// The ids of the notifications waiting in the outbox.
    public var outboxIDs: Set<String> { Set(outbox.map(\.id)) }

    /// Adds notifications to the outbox at `instant`.
    public mutating func queue(_ notifications: [AlertNotification], at instant: Date) {
        guard !notifications.isEmpty else { return }
        if outbox.isEmpty { outboxSince = instant }
        outbox += notifications
    }

    /// Removes the notifications whose ids were published.
    public mutating func dequeue(_ published: Set<String>) {
        outbox.removeAll { published.contains($0.id) }
        if outbox.isEmpty { outboxSince = nil }
    }

    /// Whether the message `id` was applied already.
    public func hasApplied(_ id: String) -> Bool { applied.contains(id) }

    /// Remembers that `id` was applied (bounded).
    public mutating func markApplied(_ id: String) {
        applied.append(id)
        if applied.count > Self.appliedLimit { applied.removeFirst(applied.count - Self.appliedLimit) }
    }

    /// When the timer store should wake the escalator for this incident: the earlier of the
    /// incident's pending timer and the first delayed delivery (while paging); nil: no timer.
    public var wakeAt: Date? {
        let timer = incident.timer?.at
        let delayedDue = incident.status == .triggered ? delayed.map(\.due).min() : nil
        switch (timer, delayedDue) {
        case (let t?, let d?): return min(t, d)
        case (let t?, nil): return t
        case (nil, let d?): return d
        case (nil, nil): return nil
        }
    }
}
