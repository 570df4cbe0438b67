import Foundation
import OnCall

/// The whole configuration, read by every process from one YAML file. Every key has a default
/// except the integrations' secrets; unknown keys and bad values are errors with their path.
public struct KlaxonConfig: Sendable {
    public var broker: BrokerConfig
    public var redis: RedisConfig
    public var gateway: GatewayConfig
    public var integrations: [IntegrationConfig]
    public var dedup: DedupConfig
    public var router: RouterConfig
    public var email: EmailConfig
    public var delivery: DeliveryConfig
    /// `chat:` robots for klaxon-chat.
    public var chat: ChatConfig
    /// `templates:` named overrides of the built-in message templates.
    public var templates: TemplatesConfig
    /// `people:` who can be paged, with their contact rules.
    public var people: [Person] = []
    /// `schedules:` who is on call when.
    public var schedules: [ScheduleConfig] = []
    /// `oncall:` the calendar feeds' secret.
    public var oncall = OnCallConfig()
    /// `escalation_policies:` steps that page until someone acknowledges (routes name them).
    public var escalationPolicies: [EscalationPolicy] = []
    /// `incidents:` signed links, API tokens, the watch interval.
    public var incidents = IncidentsConfig()
    /// `voice:` providers and chains of `klaxon-voice` (and the gateway's callback checks).
    public var voice = VoiceConfig()
    /// `oncall_relay:` the gateway's drop-in for Grafana OnCall's cloud phone relay.
    public var oncallRelay = OnCallRelayConfig()

    /// Reads a parsed document. `environment` resolves the `*_env` secret references.
    public static func read(_ root: ConfigNode?, environment: [String: String]) throws(ConfigError) -> KlaxonConfig {
        let d = ConfigDiagnostics()
        guard let top = MappingReader(root, path: "", diagnostics: d) else { throw ConfigError(issues: d.issues) }
        // Templates and robots first: routes may name them, and naming one that does not exist is an error.
        let templates = TemplatesConfig.read(top.mapping("templates"))
        let chat = ChatConfig.read(top.mapping("chat"), environment: environment, templateSets: Set(templates.sets.keys))
        let robots = Dictionary(chat.robots.map { ($0.name, $0.platform) }, uniquingKeysWith: { a, _ in a })
        // People before schedules (rotations name people), both before routes (which name both).
        let people = PeopleConfig.read(top, robots: robots)
        let schedules = SchedulesConfig.read(top, people: Set(people.map(\.id)), robots: robots)
        var known = KnownNames(
            robots: robots, templateSets: Set(templates.sets.keys), people: Set(people.map(\.id.rawValue)),
            schedules: Set(schedules.map(\.name)))
        // Policies after people, schedules and robots (their steps name them), before routes (which name policies).
        let policies = EscalationPolicyConfig.read(top, known: known)
        known.policies = Set(policies.map(\.name))
        for (i, s) in schedules.enumerated() {
            if let name = s.announce?.confirmPolicy, !known.policies.contains(name) {
                d.report("schedules[\(i)].announce.confirm_policy", "unknown escalation policy \"\(name)\" (define it under escalation_policies)")
            }
        }
        var config = KlaxonConfig(
            broker: BrokerConfig.read(top.mapping("broker"), environment: environment),
            redis: RedisConfig.read(top.mapping("redis"), environment: environment),
            gateway: GatewayConfig.read(top.mapping("gateway")),
            integrations: IntegrationConfig.readAll(top, environment: environment),
            dedup: DedupConfig.read(top.mapping("dedup")),
            router: RouterConfig.read(top.mapping("router"), known: known),
            email: EmailConfig.read(top.mapping("email"), environment: environment),
            delivery: DeliveryConfig.read(top.mapping("delivery")),
            chat: chat,
            templates: templates)
        config.people = people
        config.schedules = schedules
        config.oncall = OnCallConfig.read(top.mapping("oncall"), environment: environment)
        config.escalationPolicies = policies
        config.incidents = IncidentsConfig.read(top.mapping("incidents"), environment: environment)
        config.voice = VoiceConfig.read(top.mapping("voice"), environment: environment)
        config.oncallRelay = OnCallRelayConfig.read(
            top.mapping("oncall_relay"), environment: environment, publicURL: config.gateway.publicURL, templateSets: Set(templates.sets.keys))
        top.finish()
        if !d.issues.isEmpty { throw ConfigError(issues: d.issues) }
        return config
    }
}

/// `broker:` RabbitMQ connection and topology options.
public struct BrokerConfig: Sendable, Equatable {
    public enum QueueType: String, Sendable, CaseIterable { case quorum, classic }
    public var url: String
    /// Prefix of every exchange and queue name, so several fleets (or tests) share a vhost.
    public var namespace: String
    public var queueType: QueueType
    public var prefetch: Int
    /// Publishes awaiting a confirm at once, per publisher connection.
    public var confirmWindow: Int
    public var heartbeatSeconds: Int

    static func read(_ m: MappingReader?, environment: [String: String]) -> BrokerConfig {
        var c = BrokerConfig(
            url: "amqp://guest:guest@127.0.0.1:5672/", namespace: "klaxon", queueType: .quorum,
            prefetch: 200, confirmWindow: 512, heartbeatSeconds: 30)
        guard let m else { return c }
        if let url = m.string("url") { c.url = url }
        if m.node("url_env") != nil, let url = m.secret("url_env", environment: environment, required: false) { c.url = url }
        if !c.url.hasPrefix("amqp://") && !c.url.hasPrefix("amqps://") { m.report("url", "expected an amqp:// or amqps:// URL") }
        if let ns = m.string("namespace") {
            if ns.isEmpty || ns.contains(where: { !($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
                m.report("namespace", "use letters, digits, '-', '_' and '.' only")
            } else {
                c.namespace = ns
            }
        }
        c.queueType = m.oneOf("queue_type", default: c.queueType)
        c.prefetch = m.int("prefetch", default: c.prefetch, range: 1...65535)
        c.confirmWindow = m.int("confirm_window", default: c.confirmWindow, range: 1...65535)
        c.heartbeatSeconds = m.int("heartbeat_seconds", default: c.heartbeatSeconds, range: 0...600)
        m.finish()
        return c
    }
}

/// `redis:` connection for dedup keys, delivery records and rate budgets.
public struct RedisConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: Int
    public var password: String?
    public var timeoutMillis: Int64

    static func read(_ m: MappingReader?, environment: [String: String]) -> RedisConfig {
        var c = RedisConfig(host: "127.0.0.1", port: 6379, database: 0, password: nil, timeoutMillis: 2000)
        guard let m else { return c }
        if let h = m.string("host") { c.host = h }
        c.port = m.int("port", default: c.port, range: 1...65535)
        c.database = m.int("database", default: c.database, range: 0...1023)
        if m.node("password_env") != nil { c.password = m.secret("password_env", environment: environment, required: false) }
        c.timeoutMillis = m.duration("timeout", default: c.timeoutMillis, min: 1)
        m.finish()
        return c
    }
}

/// `host:port` to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let p = Int(text[text.index(after: colon)...]), (0...65535).contains(p) else { return nil }
        host = String(text[..<colon])
        if host.isEmpty { host = "0.0.0.0" }
        port = p
    }
    public var description: String { "\(host):\(port)" }
}

/// `email:` the SMTP server and the sender.
public struct EmailConfig: Sendable, Equatable {
    public enum Security: String, Sendable, CaseIterable {
        /// Plain SMTP: only for a local sink or relay on a trusted network.
        case none
        /// Port 587: EHLO, STARTTLS, EHLO, AUTH.
        case starttls
        /// Port 465: TLS from the first byte (RFC 8314).
        case tls
    }
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var from: String
    /// Host part of the `Message-ID`s Klaxon writes.
    public var messageIDDomain: String
    public var timeoutMillis: Int64
    public var concurrency: Int
    /// Verify the server's certificate (turn off only for a test server).
    public var verifyTLS: Bool

    static func read(_ m: MappingReader?, environment: [String: String]) -> EmailConfig {
        var c = EmailConfig(
            host: "127.0.0.1", port: 25, security: .none, username: nil, password: nil,
            from: "Klaxon <klaxon@localhost>", messageIDDomain: "klaxon.local", timeoutMillis: 30_000,
            concurrency: 4, verifyTLS: true)
        guard let m else { return c }
        if let h = m.string("host") { c.host = h }
        c.port = m.int("port", default: c.port, range: 1...65535)
        c.security = m.oneOf("security", default: c.security)
        if m.node("username_env") != nil { c.username = m.secret("username_env", environment: environment, required: false) }
        if m.node("password_env") != nil { c.password = m.secret("password_env", environment: environment, required: false) }
        if c.password != nil && c.security == .none {
            m.report("security", "AUTH over plain SMTP would send the password in clear; use starttls or tls")
        }
        if let f = m.string("from") {
            if f.contains("@") { c.from = f } else { m.report("from", "expected an address such as Klaxon <klaxon@example.com>") }
        }
        if let d = m.string("message_id_domain") { c.messageIDDomain = d }
        c.timeoutMillis = m.duration("timeout", default: c.timeoutMillis, min: 1000)
        c.concurrency = m.int("concurrency", default: c.concurrency, range: 1...64)
        c.verifyTLS = m.bool("verify_tls", default: c.verifyTLS)
        m.finish()
        return c
    }
}

/// `delivery:` retries and idempotency, shared by every consumer.
public struct DeliveryConfig: Sendable, Equatable {
    /// Delay before each retry; the number of delays bounds the attempts.
    public var retryDelaysMillis: [Int64]
    /// How long a delivered notification's id is remembered (longer than the longest retry).
    public var idempotencyTTLMillis: Int64
    /// How long a sender's claim on a notification id lives unless renewed (the sender renews
    /// it every third of this while it sends): while one sender holds it, other copies of the
    /// notification wait instead of paging a second time. A sender that crashed mid-send loses
    /// its claim within this long.
    public var claimTTLMillis: Int64 = 30_000

    static func read(_ m: MappingReader?) -> DeliveryConfig {
        var c = DeliveryConfig(retryDelaysMillis: [10_000, 60_000, 300_000, 900_000], idempotencyTTLMillis: 86_400_000)
        guard let m else { return c }
        if let list = m.stringList("retry_delays") {
            var delays: [Int64] = []
            for (i, s) in list.enumerated() {
                if let ms = parseDurationMillis(s), ms >= 100 {
                    delays.append(ms)
                } else {
                    m.diagnostics.report("\(m.pathOf("retry_delays"))[\(i)]", "expected a duration such as 10s or 5m, got \"\(s)\"")
                }
            }
            c.retryDelaysMillis = delays
        }
        c.idempotencyTTLMillis = m.duration("idempotency_ttl", default: c.idempotencyTTLMillis, min: 1000)
        c.claimTTLMillis = m.duration("claim_ttl", default: c.claimTTLMillis, min: 1000)
        let total = c.retryDelaysMillis.reduce(0, +)
        if c.idempotencyTTLMillis <= total {
            m.report("idempotency_ttl", "must be longer than the sum of retry_delays (\(formatDurationMillis(total)))")
        }
        m.finish()
        return c
    }
}
