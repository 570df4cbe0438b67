import Foundation

/// One notification: one alert to one channel for one set of recipients. Published by the router
/// on `notify.<channel>`. `id` is the idempotency key a channel worker records once delivered.
///
/// The router resolves everything the channel needs (recipients, template, whom to @-mention),
/// so channel workers never read routes. Version 2 added `mentions` and `atAll`; a version 1
/// message (no such fields) is still read: both are `nil` then.
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
    public var alert: Alert

    public init(
        id: String, channel: String, recipients: [String], route: String, template: String? = nil,
        mentions: [String]? = nil, atAll: Bool? = nil, alert: Alert
    ) {
        self.v = AlertNotification.version
        self.id = id
        self.channel = channel
        self.recipients = recipients
        self.route = route
        self.template = template
        self.mentions = mentions
        self.atAll = atAll
        self.alert = alert
    }
}
