import Foundation

/// `oncall_relay:` the gateway's drop-in for Grafana OnCall's cloud phone relay (docs/voice.md,
/// "Grafana OnCall's cloud relay"). An OnCall OSS install whose `GRAFANA_CLOUD_ONCALL_API_URL`
/// is `<gateway>/oncall` and whose `GRAFANA_CLOUD_ONCALL_TOKEN` is one of `tokens` gets its
/// phone calls and SMS placed by `klaxon-voice`.
///
/// ```yaml
/// oncall_relay:
///   tokens:                               # the relay is on when it has a token
///     - name: oncall-prod                 # one per OnCall install: its throttle and heartbeat
///       token_env: KLAXON_ONCALL_TOKEN
///   path: /oncall                         # the prefix OnCall's API URL ends with
///   grafana_url: https://grafana.example.com   # what api/v1/info/ answers; default gateway.public_url
///   requests_per_minute: 60               # make_call + send_sms per token (Grafana's cloud: 60)
///   template: oncall                      # a templates: set for relayed calls and SMS (optional)
/// ```
public struct OnCallRelayConfig: Sendable, Equatable {
    /// The first path segments the gateway uses itself: a prefix starting with one would hide them.
    public static let reservedSegments: Set<String> = [
        "integrations", "api", "incidents", "voice", "schedules", "people", "healthz", "readyz", "metrics", "openapi.json",
    ]

    /// The tokens OnCall installs send (raw, in `Authorization`); none: the relay is off.
    public var tokens: [IncidentsConfig.APIToken] = []
    /// The path prefix of every relay endpoint, without a trailing slash (`/oncall`).
    public var path: String = "/oncall"
    /// The URL `api/v1/info/` answers (OnCall stores it as the cloud's address).
    public var grafanaURL: String = ""
    /// Calls and SMS per token per minute; more get `400 {"error": "limit-exceeded"}`.
    public var requestsPerMinute: Int = 60
    /// The `templates:` set of relayed notifications (nil: the built-in voice and SMS texts).
    public var template: String?

    /// `true` when the relay has at least one token.
    public var isEnabled: Bool { !tokens.isEmpty }

    public init() {}

    /// `publicURL` is `gateway.public_url` (the default `grafana_url`); `templateSets` the
    /// names `templates:` defines.
    static func read(_ m: MappingReader?, environment: [String: String], publicURL: String?, templateSets: Set<String>) -> OnCallRelayConfig {
        var c = OnCallRelayConfig()
        guard let m else { return c }
        c.tokens = IncidentsConfig.APIToken.readList(m, key: "tokens", environment: environment)
        if m.node("tokens") == nil && !m.keys.isEmpty {
            m.report("tokens", "missing (required): the relay is on only with at least one token ({name, token_env})")
        }
        if let p = m.string("path") {
            if let problem = pathProblem(p) { m.report("path", problem) } else { c.path = p }
        }
        if let u = m.string("grafana_url") {
            if GatewayConfig.isHTTPURL(u) {
                c.grafanaURL = u
            } else {
                m.report("grafana_url", "expected an http:// or https:// URL such as https://grafana.example.com, got \"\(u)\"")
            }
        } else if let publicURL {
            c.grafanaURL = publicURL
        } else if c.isEnabled {
            m.report(
                "grafana_url", "missing (required without gateway.public_url): the URL api/v1/info/ answers, such as https://grafana.example.com")
        }
        c.requestsPerMinute = m.int("requests_per_minute", default: c.requestsPerMinute, range: 1...100_000)
        if let t = m.string("template") {
            if templateSets.contains(t) {
                c.template = t
            } else {
                let known = templateSets.sorted()
                m.report("template", "no template set \"\(t)\" in templates:" + (known.isEmpty ? "" : " (sets: \(known.joined(separator: ", ")))"))
            }
        }
        m.finish()
        return c
    }

    /// Why `p` cannot be the prefix, or nil: `/` then segments of letters, digits and `-._~`,
    /// no trailing slash, the first segment not one the gateway uses.
    static func pathProblem(_ p: String) -> String? {
        let segments = p.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard p.hasPrefix("/"), !segments.isEmpty,
            segments.allSatisfy({ s in !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) } })
        else {
            return "expected a path such as /oncall: '/' then segments of letters, digits, '-', '.', '_' or '~', no trailing '/', got \"\(p)\""
        }
        if let first = segments.first, reservedSegments.contains(String(first)) {
            return "/\(first) is a path of the gateway's own; choose another prefix such as /oncall"
        }
        return nil
    }
}
