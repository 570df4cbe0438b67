import Foundation

/// Whether an alert is firing or has resolved.
public enum AlertStatus: String, Codable, Sendable, Equatable {
    case firing
    case resolved
}

/// A link shown with an alert (generator, dashboard, runbook, silence).
public struct AlertLink: Codable, Sendable, Equatable {
    public var title: String
    public var url: String
    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}

/// The normalized alert: one alert per message on `alerts.ingest` and `alerts.route`.
/// The contract is documented in `docs/contracts.md`; `v` changes only with an incompatible change.
public struct Alert: Codable, Sendable, Equatable {
    public static let version = 1

    public var v: Int
    /// Unique per received alert (UUID); not stable across repeats.
    public var id: String
    /// Integration kind that produced it (`alertmanager`, `grafana`, …).
    public var source: String
    /// Integration name from the config.
    public var integration: String
    public var status: AlertStatus
    /// Stable identity of the incident across repeats (the source's own when it has one).
    public var fingerprint: String
    public var title: String
    public var message: String
    public var severity: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// RFC 3339 with offset, as the source sent it (or the receive time when it sent none).
    public var startsAt: String
    /// RFC 3339; `nil` while firing.
    public var endsAt: String?
    public var receivedAt: String
    public var links: [AlertLink]
    /// Source fields to route on that are not labels (`service` derived from a SkyWalking name,
    /// `groupKey` of an Alertmanager group, …).
    public var fields: [String: String]
    /// Repeats suppressed by dedup since the last alert of this fingerprint that passed.
    public var suppressedRepeats: Int?

    public init(
        id: String, source: String, integration: String, status: AlertStatus, fingerprint: String,
        title: String, message: String, severity: String, labels: [String: String],
        annotations: [String: String], startsAt: String, endsAt: String?, receivedAt: String,
        links: [AlertLink], fields: [String: String] = [:], suppressedRepeats: Int? = nil
    ) {
        self.v = Alert.version
        self.id = id
        self.source = source
        self.integration = integration
        self.status = status
        self.fingerprint = fingerprint
        self.title = title
        self.message = message
        self.severity = severity
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.receivedAt = receivedAt
        self.links = links
        self.fields = fields
        self.suppressedRepeats = suppressedRepeats
    }
}

extension Alert {
    /// Value of a label, or of a routing field when no label has that name.
    public func value(forLabelOrField name: String) -> String? {
        labels[name] ?? fields[name]
    }
}
