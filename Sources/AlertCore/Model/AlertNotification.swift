import Foundation

/// One notification: one alert to one channel for one set of recipients. Published by the router
/// on `notify.<channel>`. `id` is the idempotency key a channel worker records once delivered.
public struct AlertNotification: Codable, Sendable, Equatable {
    public static let version = 1

    public var v: Int
    public var id: String
    public var channel: String
    /// Addresses for the channel (e-mail addresses, phone numbers, robot names).
    public var recipients: [String]
    /// Name of the route that produced it.
    public var route: String
    /// Template name; `nil` means the channel's default.
    public var template: String?
    public var alert: Alert

    public init(id: String, channel: String, recipients: [String], route: String, template: String? = nil, alert: Alert) {
        self.v = AlertNotification.version
        self.id = id
        self.channel = channel
        self.recipients = recipients
        self.route = route
        self.template = template
        self.alert = alert
    }
}
