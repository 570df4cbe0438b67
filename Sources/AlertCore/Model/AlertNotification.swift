import Foundation

/// One notification: one alert to one channel for one set of recipients. Published by the router
/// on `notify.<channel>`. `id` is the idempotency key a channel worker records once delivered.
///
/// The router resolves everything the channel needs (recipients, template, whom to @-mention),
/// so channel workers never read routes. Version 2 added `mentions` and `atAll`; a version 1
/// message (no such fields) is still read: both are `nil` then. The escalator's notifications
/// carry `incident` (absent in the router's), read as `nil` by older workers' contracts.
public struct AlertNotification: Codable, Sendable, Equatable {
    public static let version = 2

    public var v: Int
    public var id: String
    public var channel: String
    /// Addresses for the channel (e-mail addresses, phone numbers, robot names).
    public var recipients: [String]
    /// Name of the route that produced it.
    public var route: String
    /// Template name; `nil` means the channel's default.
    public var template: String?
    /// Whom a chat message @-mentions (phone numbers, or user ids on Feishu); `nil` in version 1.
    public var mentions: [String]?
    /// Whether a chat message mentions everyone in the group; `nil` in version 1.
    public var atAll: Bool?
    /// Set by the escalator: which incident this pages about or reports on, and its signed link.
    public var incident: IncidentNote?
    public var alert: Alert

    public init(
        id: String, channel: String, recipients: [String], route: String, template: String? = nil,
        mentions: [String]? = nil, atAll: Bool? = nil, incident: IncidentNote? = nil, alert: Alert
    ) {
        self.v = AlertNotification.version
        self.id = id
        self.channel = channel
        self.recipients = recipients
        self.route = route
        self.template = template
        self.mentions = mentions
        self.atAll = atAll
        self.incident = incident
        self.alert = alert
    }
}

/// What an escalator notification says about its incident, for the templates (`incident.*`).
public struct IncidentNote: Codable, Sendable, Equatable {
    /// The incident's id.
    public var id: String
    /// `page` for a step's page; otherwise what the message reports (`acknowledged`, `resolved`,
    /// `exhausted`, `ack_expiring`, `ack_expired`).
    public var kind: String
    /// One line for a person: "Step 2 of 3 of policy db · repeated 4 times",
    /// "Acknowledged by alice (link)".
    public var text: String
    /// The signed link to the incident's page (acknowledge, resolve, snooze, escalate), when the
    /// fleet has `incidents.link_secret_env` and `gateway.public_url`.
    public var link: String?

    public init(id: String, kind: String, text: String, link: String? = nil) {
        self.id = id
        self.kind = kind
        self.text = text
        self.link = link
    }

    /// Whether this is a page (not a report about the incident).
    public var isPage: Bool { kind == "page" }
}
