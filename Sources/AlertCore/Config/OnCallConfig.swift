import Foundation

/// `oncall:` settings of the on-call features outside schedules themselves.
///
/// ```yaml
/// oncall:
///   feed_secret_env: KLAXON_FEED_SECRET   # signs the calendar feed URLs (klaxonctl oncall feed-url)
/// ```
///
/// Without `feed_secret_env` the gateway serves no calendar feeds (every feed path answers 404).
public struct OnCallConfig: Sendable, Equatable {
    /// The fewest characters a feed secret may have: it is an HMAC key guarding who is on call.
    public static let minimumSecretLength = 16

    /// The key of the calendar feeds' tokens (HMAC-SHA256), from the variable `feed_secret_env`
    /// names; `nil` when not configured.
    public var feedSecret: String?

    /// No feed secret.
    public init(feedSecret: String? = nil) {
        self.feedSecret = feedSecret
    }

    static func read(_ m: MappingReader?, environment: [String: String]) -> OnCallConfig {
        var c = OnCallConfig()
        guard let m else { return c }
        if m.node("feed_secret_env") != nil, let secret = m.secret("feed_secret_env", environment: environment, required: false) {
            if secret.count < minimumSecretLength {
                m.report("feed_secret_env", "the secret must have at least \(minimumSecretLength) characters (it signs calendar feed URLs)")
            } else {
                c.feedSecret = secret
            }
        }
        m.finish()
        return c
    }
}
