import Foundation

/// `integrations:` one entry per sender; its URL is `/integrations/<kind>/<token>`.
///
/// Keys: `name`, `kind` (one of `IntegrationKind`), `token_env`, optional `time_zone`
/// (IANA name, default UTC), and per kind:
/// ```yaml
/// - name: graylog-prod
///   kind: graylog
///   token_env: KLAXON_GRAYLOG_TOKEN
///   message_pattern: '\[([\w.$]+:\d+)\]'   # → fields["pattern"]: first group, else whole match
/// - name: custom-app
///   kind: webhook
///   token_env: KLAXON_CUSTOM_TOKEN
///   mapping:                               # simple JSON paths: a.b.c, items[0].name
///     title: data.alert.name
///     message: data.alert.text
///     severity: data.level
///     status: data.status
///     fingerprint: data.id
///     labels: {app: data.labels.app, env: meta.env}
///     resolved_values: [resolved, ok, OK]  # the default
/// ```
/// Any kind may add `basic_auth:` and/or `hmac:` (see `IntegrationAuth`).
/// A key that does not apply to the entry's kind is an error, like an unknown key.
public struct IntegrationConfig: Sendable, Equatable {
    public var name: String
    public var kind: IntegrationKind
    public var token: String
    /// Zone for times rendered for people, and for zone-less source times.
    public var timeZone: TimeZone
    /// Per-kind settings for the normalizer.
    public var options: NormalizeOptions
    /// Checks beyond the URL token (basic auth, HMAC header); empty by default.
    public var auth: IntegrationAuth

    public init(
        name: String, kind: IntegrationKind, token: String, timeZone: TimeZone = .gmt,
        options: NormalizeOptions = NormalizeOptions(), auth: IntegrationAuth = IntegrationAuth()
    ) {
        self.name = name
        self.kind = kind
        self.token = token
        self.timeZone = timeZone
        self.options = options
        self.auth = auth
    }

    /// The context to normalize one request from this integration.
    public func normalizeContext(receivedAt: Date = Date(), makeID: @escaping @Sendable () -> String) -> NormalizeContext {
        NormalizeContext(integration: name, receivedAt: receivedAt, timeZone: timeZone, options: options, makeID: makeID)
    }

    static func readAll(_ top: MappingReader, environment: [String: String]) -> [IntegrationConfig] {
        var out: [IntegrationConfig] = []
        var names: Set<String> = []
        for m in top.mappings("integrations") {
            let name = m.requiredString("name") ?? ""
            if !name.isEmpty && !names.insert(name).inserted { m.report("name", "duplicate integration name \"\(name)\"") }
            var kind: IntegrationKind?
            if let k = m.string("kind") {
                if let parsed = IntegrationKind(rawValue: k) {
                    kind = parsed
                } else {
                    m.report("kind", "expected one of \(IntegrationKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(k)\"")
                }
            } else {
                m.report("kind", "missing (required)")
            }
            let token = m.secret("token_env", environment: environment, required: true) ?? ""
            if !token.isEmpty && token.count < 16 { m.report("token_env", "the token must be at least 16 characters") }
            var tz = TimeZone.gmt
            if let z = m.string("time_zone") {
                if let parsed = TimeZone(identifier: z) { tz = parsed } else { m.report("time_zone", "unknown time zone \"\(z)\"") }
            }
            let options = readOptions(m, kind: kind)
            let auth = IntegrationAuth.read(m, environment: environment)
            m.finish()
            out.append(IntegrationConfig(name: name, kind: kind ?? .alertmanager, token: token, timeZone: tz, options: options, auth: auth))
        }
        return out
    }

    /// The per-kind keys. `kind` nil (missing or invalid, already reported): the keys are
    /// still validated, but not checked against the kind.
    static func readOptions(_ m: MappingReader, kind: IntegrationKind?) -> NormalizeOptions {
        var options = NormalizeOptions()
        func applies(_ key: String, to wanted: IntegrationKind) -> Bool {
            guard m.keys.contains(key) else { return false }
            if let kind, kind != wanted {
                _ = m.node(key)
                m.report(key, "applies only to integrations of kind \(wanted.rawValue), not \(kind.rawValue)")
                return false
            }
            return true
        }
        if applies("message_pattern", to: .graylog), let p = m.string("message_pattern") {
            if p.isEmpty {
                m.report("message_pattern", "must not be empty")
            } else {
                do { options.messagePattern = try MessagePattern(p) } catch {
                    m.report("message_pattern", "not a valid regular expression: \"\(p)\"")
                }
            }
        }
        if applies("mapping", to: .webhook) {
            guard let reader = m.mapping("mapping") else { return options }
            options.webhookMapping = WebhookMapping.read(reader)
        }
        return options
    }
}
