import Foundation

/// `incidents:` how people reach the escalator's incidents: signed links in notifications, API
/// tokens, and how often the broker re-checks each open incident.
///
/// ```yaml
/// incidents:
///   link_secret_env: KLAXON_LINK_SECRET   # signs the acknowledge links (HMAC-SHA256)
///   link_ttl: 24h                         # a link stops working this long after it was sent
///   watch_interval: 1m                    # each open incident is re-checked this often (Redis loss)
///   api_tokens:                           # bearer tokens for /api/v1/incidents
///     - name: ops-bot
///       token_env: KLAXON_API_TOKEN
/// ```
///
/// Without `link_secret_env` notifications carry no links and the gateway's incident pages
/// answer 404; without `api_tokens` the incident API answers 401 to everyone.
public struct IncidentsConfig: Sendable, Equatable {
    /// The fewest characters a link secret or API token may have.
    public static let minimumSecretLength = 16

    /// One bearer token of the incident API; `name` is recorded as the actor when a request
    /// names no person.
    public struct APIToken: Sendable, Equatable {
        public var name: String
        public var token: String
        public init(name: String, token: String) {
            self.name = name
            self.token = token
        }
    }

    /// The key of the signed links; `nil`: no links.
    public var linkSecret: String?
    /// How long a link works after it was made, in milliseconds.
    public var linkTTLMillis: Int64
    /// How often each open incident's watch message comes back from the broker.
    public var watchIntervalMillis: Int64
    /// The API's bearer tokens.
    public var apiTokens: [APIToken]

    /// Defaults: no links, 24 h link lifetime, a 1 min watch, no API tokens.
    public init(linkSecret: String? = nil, linkTTLMillis: Int64 = 86_400_000, watchIntervalMillis: Int64 = 60_000, apiTokens: [APIToken] = []) {
        self.linkSecret = linkSecret
        self.linkTTLMillis = linkTTLMillis
        self.watchIntervalMillis = watchIntervalMillis
        self.apiTokens = apiTokens
    }

    static func read(_ m: MappingReader?, environment: [String: String]) -> IncidentsConfig {
        var c = IncidentsConfig()
        guard let m else { return c }
        if m.node("link_secret_env") != nil, let secret = m.secret("link_secret_env", environment: environment, required: false) {
            if secret.count < minimumSecretLength {
                m.report("link_secret_env", "the secret must have at least \(minimumSecretLength) characters (it signs acknowledge links)")
            } else {
                c.linkSecret = secret
            }
        }
        c.linkTTLMillis = m.duration("link_ttl", default: c.linkTTLMillis, min: 60_000)
        c.watchIntervalMillis = m.duration("watch_interval", default: c.watchIntervalMillis, min: 1_000)
        c.apiTokens = APIToken.readList(m, key: "api_tokens", environment: environment)
        m.finish()
        return c
    }
}

extension IncidentsConfig.APIToken {
    /// A list of `{name, token_env}` under `key` (`incidents.api_tokens`, `oncall_relay.tokens`):
    /// every name present and distinct, every token set and at least `minimumSecretLength`
    /// characters; each problem reported with its path.
    static func readList(_ m: MappingReader, key: String, environment: [String: String]) -> [Self] {
        var out: [Self] = []
        var names = Set<String>()
        for t in m.mappings(key) {
            guard let name = t.string("name"), !name.isEmpty else {
                t.report("name", "missing (required): who the token belongs to")
                t.finish()
                continue
            }
            if !names.insert(name).inserted { t.report("name", "duplicate token name \"\(name)\"") }
            if let token = t.secret("token_env", environment: environment, required: true) {
                if token.count < IncidentsConfig.minimumSecretLength {
                    t.report("token_env", "the token must have at least \(IncidentsConfig.minimumSecretLength) characters")
                } else {
                    out.append(Self(name: name, token: token))
                }
            }
            t.finish()
        }
        return out
    }
}
