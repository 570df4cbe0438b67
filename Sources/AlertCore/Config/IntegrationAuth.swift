import Foundation

/// Optional checks an integration adds on top of its URL token: HTTP basic auth, an HMAC
/// signature header, or both (each configured one must pass).
///
/// ```yaml
/// - name: grafana-prod
///   kind: grafana
///   token_env: KLAXON_GRAFANA_TOKEN
///   basic_auth:
///     username_env: KLAXON_GRAFANA_USER
///     password_env: KLAXON_GRAFANA_PASSWORD
///   hmac:
///     header: X-Grafana-Alerting-Signature        # the default
///     secret_env: KLAXON_GRAFANA_HMAC_SECRET
///     timestamp_header: X-Grafana-Alerting-Timestamp   # optional: signs ts + ":" + body
///     max_skew: 5m                                # the default; only with timestamp_header
/// ```
public struct IntegrationAuth: Sendable, Equatable {
    /// `Authorization: Basic base64(username:password)`.
    public struct Basic: Sendable, Equatable {
        public var username: String
        public var password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// A header carrying lower-case hex(HMAC-SHA256(secret, [timestamp + ":"] + body)), as
    /// Grafana's webhook contact point sends it.
    public struct HMACHeader: Sendable, Equatable {
        public static let defaultHeader = "X-Grafana-Alerting-Signature"
        public var header: String
        public var secret: String
        /// A header holding the signing time in Unix seconds; when set, it is part of the signed
        /// message and must be within `maxSkewMillis` of the gateway's clock.
        public var timestampHeader: String?
        public var maxSkewMillis: Int64

        public init(header: String = HMACHeader.defaultHeader, secret: String, timestampHeader: String? = nil, maxSkewMillis: Int64 = 300_000) {
            self.header = header
            self.secret = secret
            self.timestampHeader = timestampHeader
            self.maxSkewMillis = maxSkewMillis
        }
    }

    public var basic: Basic?
    public var hmac: HMACHeader?

    public init(basic: Basic? = nil, hmac: HMACHeader? = nil) {
        self.basic = basic
        self.hmac = hmac
    }

    /// No extra check: the URL token alone authenticates.
    public var isEmpty: Bool { basic == nil && hmac == nil }

    /// Reads `basic_auth:` and `hmac:` of one integration entry.
    static func read(_ m: MappingReader, environment: [String: String]) -> IntegrationAuth {
        var auth = IntegrationAuth()
        if m.keys.contains("basic_auth"), let b = m.mapping("basic_auth") {
            let user = b.secret("username_env", environment: environment, required: true)
            let password = b.secret("password_env", environment: environment, required: true)
            if let user, user.contains(":") { b.report("username_env", "a basic-auth username cannot contain ':'") }
            b.finish()
            if let user, let password { auth.basic = Basic(username: user, password: password) }
        }
        if m.keys.contains("hmac"), let h = m.mapping("hmac") {
            var header = HMACHeader.defaultHeader
            if let name = h.string("header") {
                if isHeaderName(name) { header = name } else { h.report("header", "not a valid HTTP header name: \"\(name)\"") }
            }
            let secret = h.secret("secret_env", environment: environment, required: true)
            var timestampHeader: String?
            if let name = h.string("timestamp_header") {
                if isHeaderName(name) { timestampHeader = name } else { h.report("timestamp_header", "not a valid HTTP header name: \"\(name)\"") }
            }
            if h.keys.contains("max_skew") && !h.keys.contains("timestamp_header") {
                h.report("max_skew", "applies only with timestamp_header (without it nothing is timed)")
            }
            let skew = h.duration("max_skew", default: 300_000, min: 1000)
            h.finish()
            if let secret { auth.hmac = HMACHeader(header: header, secret: secret, timestampHeader: timestampHeader, maxSkewMillis: skew) }
        }
        return auth
    }

    /// RFC 9110 token characters.
    static func isHeaderName(_ s: String) -> Bool {
        !s.isEmpty
            && s.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
            }
    }
}
