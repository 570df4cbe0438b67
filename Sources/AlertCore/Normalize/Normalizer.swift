import Foundation

/// The integration kinds, as they appear in URLs (`/integrations/<kind>/<token>`) and the config.
public enum IntegrationKind: String, Codable, Sendable, CaseIterable {
    case alertmanager
}

/// What a normalizer needs besides the body: who sent it, when, and how to mint ids.
public struct NormalizeContext: Sendable {
    public var integration: String
    public var receivedAt: Date
    /// Time zone for times rendered for people (SkyWalking's epoch milliseconds, …).
    public var timeZone: TimeZone
    public var makeID: @Sendable () -> String

    public init(integration: String, receivedAt: Date = Date(), timeZone: TimeZone = .gmt,
                makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.integration = integration
        self.receivedAt = receivedAt
        self.timeZone = timeZone
        self.makeID = makeID
    }
}

/// Turns a source's parsed payload into normalized alerts, one per alert the payload carries.
/// Pure: no I/O. Throws `PayloadError` naming the field when the payload cannot be accepted.
public enum Normalizer {
    public static func normalize(_ body: JSONValue, kind: IntegrationKind, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        switch kind {
        case .alertmanager: try AlertmanagerNormalizer.normalize(body, context: context)
        }
    }
}
