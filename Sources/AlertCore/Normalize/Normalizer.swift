import Foundation

/// The integration kinds, as they appear in URLs (`/integrations/<kind>/<token>`) and the config.
public enum IntegrationKind: String, Codable, Sendable, CaseIterable {
    /// Prometheus Alertmanager webhook (`AlertmanagerNormalizer`).
    case alertmanager
    /// Grafana alerting webhook contact point, unified and legacy (`GrafanaNormalizer`).
    case grafana
    /// Apache SkyWalking alarm webhook, a JSON array (`SkyWalkingNormalizer`).
    case skywalking
    /// Graylog HTTP event notification (`GraylogNormalizer`).
    case graylog
    /// Zabbix webhook media type, flat object of strings (`ZabbixNormalizer`).
    case zabbix
    /// Any JSON, with an optional per-integration field mapping (`WebhookNormalizer`).
    case webhook
    /// Grafana OnCall's formatted webhook (`FormattedWebhookNormalizer`).
    case formattedWebhook = "formatted-webhook"
}

/// What a normalizer needs besides the body: who sent it, when, how to mint ids, and the
/// integration's own settings.
public struct NormalizeContext: Sendable {
    public var integration: String
    public var receivedAt: Date
    /// Time zone for times rendered for people (SkyWalking's epoch milliseconds, …) and for
    /// reading zone-less source times (Zabbix `EVENT.DATE`/`EVENT.TIME`).
    public var timeZone: TimeZone
    /// Per-integration settings from the config (`message_pattern`, `mapping`).
    public var options: NormalizeOptions
    /// Mints each alert's id: the gateway passes `AlertID.make` (kernel randomness, WorkerKit);
    /// tests pass a counter. The pure core never reads a random source itself.
    public var makeID: @Sendable () -> String

    public init(
        integration: String, receivedAt: Date = Date(), timeZone: TimeZone = .gmt,
        options: NormalizeOptions = NormalizeOptions(),
        makeID: @escaping @Sendable () -> String
    ) {
        self.integration = integration
        self.receivedAt = receivedAt
        self.timeZone = timeZone
        self.options = options
        self.makeID = makeID
    }
}

/// Turns a source's parsed payload into normalized alerts, one per alert the payload carries.
/// Pure: no I/O. Throws `PayloadError` naming the field when the payload cannot be accepted
/// (the gateway answers 400 with it). Body size, depth and alert count are the gateway's limits.
public enum Normalizer {
    public static func normalize(_ body: JSONValue, kind: IntegrationKind, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        switch kind {
        case .alertmanager: try AlertmanagerNormalizer.normalize(body, context: context)
        case .grafana: try GrafanaNormalizer.normalize(body, context: context)
        case .skywalking: try SkyWalkingNormalizer.normalize(body, context: context)
        case .graylog: try GraylogNormalizer.normalize(body, context: context)
        case .zabbix: try ZabbixNormalizer.normalize(body, context: context)
        case .webhook: try WebhookNormalizer.normalize(body, context: context)
        case .formattedWebhook: try FormattedWebhookNormalizer.normalize(body, context: context)
        }
    }
}
