import AMQP
import AlertCore
import EscalatorStore
import Foundation
import HTTPServer
import OnCall
import OnCallRuntime
import Redis
import Signing
import Synchronization
import WorkerKit

/// The ingest gateway: `POST /integrations/<kind>/<token>` authenticates the integration (token
/// in constant time, then its optional basic-auth or HMAC check), parses and normalizes the
/// payload into single alerts, publishes each persistently with a publisher confirm, and answers
/// 202 only once every alert is confirmed. Client mistakes get a 4xx with `{"error": reason}`; a
/// broker that cannot confirm within `gateway.publish_timeout` gets 503 with `Retry-After`.
/// Also serves `/healthz`, `/readyz`, `/metrics`, its OpenAPI document at `/openapi.json`, the
/// on-call calendar feeds (`GatewayService+Feeds.swift`), the incident pages of signed links
/// (`GatewayService+IncidentPages.swift`) and the incident API (`GatewayService+IncidentAPI.swift`),
/// both of which read incidents from Redis and publish people's commands to the escalator.
public final class GatewayService: Sendable {
    let config: KlaxonConfig
    let publisher: Publisher
    let logger: Logger
    let topology: Topology
    let stats: GatewayMetrics
    let health: HealthEndpoints
    let deadlines: RequestDeadlines
    /// `gateway.max_pending_alerts`: requests past it are answered 503 at once.
    let admission: AdmissionLimit
    let shedLog = RateLimitedLog(intervalSeconds: 10)
    /// Who is on call now (the process's `RosterCache`), for the calendar feeds.
    let roster: @Sendable () -> Roster
    /// The clock of the feeds, of link expiry and of commands' `at`.
    let now: @Sendable () -> Date
    /// The escalator's incidents, when the gateway was given Redis; nil: incident pages and the
    /// API answer 503.
    let incidents: IncidentStore?
    /// The calls `klaxon-voice` placed, to tie Aliyun's and Tencent's receipts to incidents
    /// (nil without Redis: those answer 503).
    let voiceCalls: VoiceCallBook?
    /// Incidents in words (people's names from the config).
    let incidentText: IncidentText
    /// How many steps each configured policy has (the page's "step 2 of 3").
    let policySteps: [String: Int]
    /// The Grafana OnCall relay (`GatewayService+OnCallRelay.swift`); nil without `oncall_relay.tokens`.
    let oncallRelay: OnCallRelay?
    private let server = Mutex<HTTPServer?>(nil)
    /// Finished by `stop()`: `run()` (the gateway as a `Service`) returns then.
    let stopped = AsyncStream<Void>.makeStream()

    /// `roster` gives the current roster for the calendar feeds (the process's `RosterCache`);
    /// `nil`: the config's schedules and overrides alone, built once. `now` is the clock of the
    /// feeds and of incident links. `redis` holds the escalator's incidents (the process's
    /// `SharedRedis`); without it the incident pages and API answer 503.
    public init(
        config: KlaxonConfig, publisher: Publisher, logger: Logger, metrics: Metrics,
        roster: (@Sendable () -> Roster)? = nil, now: @escaping @Sendable () -> Date = { Date() },
        redis: (any RedisCommanding)? = nil
    ) {
        self.config = config
        self.incidents = redis.map { IncidentStore(redis: $0, namespace: config.broker.namespace) }
        self.voiceCalls = redis.map { VoiceCallBook(redis: $0, namespace: config.broker.namespace) }
        self.incidentText = IncidentText(people: config.people)
        self.policySteps = Dictionary(config.escalationPolicies.map { ($0.name, $0.steps.count) }, uniquingKeysWith: { a, _ in a })
        if let roster {
            self.roster = roster
        } else {
            let fixed = RosterLoader(config: config).roster(calendars: [:], overrides: [])
            self.roster = { fixed }
        }
        self.now = now
        self.publisher = publisher
        self.logger = logger
        self.topology = Topology(namespace: config.broker.namespace)
        self.stats = GatewayMetrics(metrics, integrations: config.integrations)
        self.health = HealthEndpoints(metrics: metrics) { publisher.isConnected ? [] : ["broker"] }
        self.oncallRelay =
            config.oncallRelay.isEnabled
            ? OnCallRelay(config: config.oncallRelay, namespace: config.broker.namespace, redis: redis, logger: logger, metrics: metrics) : nil
        // A little past the publisher's own deadline: normally the publisher answers first; this
        // catches a publisher thread stuck writing to a broker that stopped reading (flow control).
        self.deadlines = RequestDeadlines(timeoutMillis: config.gateway.publishTimeoutMillis + 1000)
        self.admission = AdmissionLimit(limit: config.gateway.maxPendingAlerts)
    }

    /// `true` between `start()` and `stop()`.
    public var isListening: Bool { server.withLock { $0 != nil } }

    /// Starts listening; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let g = config.gateway
        let s = try HTTPServer(
            .init(
                host: g.listen.host, port: g.listen.port, threads: g.threads, maxConnections: g.maxConnections,
                idleTimeoutSeconds: g.idleTimeoutSeconds, maxBodyBytes: g.maxBodyBytes,
                onEvent: { [stats] in stats.record($0) })
        ) { [self] req, respond in
            handle(req, respond)
        }
        server.withLock { $0 = s }
        deadlines.start()
        logger.info("listening", ["address": "\(g.listen.host):\(s.port)", "integrations": String(config.integrations.count)])
        if let relay = oncallRelay {
            logger.info(
                "grafana oncall relay on",
                [
                    "path": relay.config.path, "tokens": String(relay.config.tokens.count),
                    "throttle": relay.sharedThrottle ? "shared (Redis)" : "per process",
                ])
        }
        return s.port
    }

    /// Graceful stop: refuses new connections at once, waits up to `gateway.shutdown_timeout`
    /// for the requests in flight to get their confirms and answers, answers the rest 503, then
    /// closes everything. Blocks the caller. Stop the publisher only after this returns.
    public func stop() {
        guard
            let s = server.withLock({ s -> HTTPServer? in
                defer { s = nil }; return s
            })
        else { return }
        let open = s.openRequests
        let cut = s.shutdown(drainSeconds: Double(config.gateway.shutdownTimeoutMillis) / 1000)
        deadlines.stop()
        logger.info("http server stopped", ["open_requests_at_stop": String(open), "answered_503_at_deadline": String(cut)])
        stopped.continuation.finish()
    }

    /// Stops at once, cutting requests in flight (tests of the hard path only).
    public func stopNow() {
        server.withLock { s in
            s?.stop(); s = nil
        }
        deadlines.stop()
        stopped.continuation.finish()
    }

    func handle(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        switch req.path {
        case "/healthz", "/readyz", "/metrics", "/openapi.json":
            guard req.method == "GET" || req.method == "HEAD" else {
                return reject(respond, 405, "method", "method \(req.method) not allowed; use GET", headers: [("Allow", "GET, HEAD")])
            }
            if req.path == "/openapi.json" { return respond(.json(200, PackageResources.openapi_json)) }
            // HEAD is answered like GET; libmicrohttpd sends the headers only.
            var get = req
            get.method = "GET"
            _ = health.answer(get, respond)
            return
        default:
            break
        }
        if let relay = oncallRelay, let route = OnCallRelayRoute(path: req.path, prefix: relay.config.path) {
            return oncallRelay(req, route, relay, respond)
        }
        if let subject = CalendarFeed.Subject(path: req.path) { return feed(req, subject, respond) }
        if let route = IncidentPath(req.path) { return incidentRoute(req, route, respond) }
        if req.path.hasPrefix("/voice/") { return voiceCallback(req, respond) }
        let parts = req.path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "integrations" else {
            return reject(respond, 404, "not_found", "not found; alerts go to POST /integrations/<kind>/<token>")
        }
        guard req.method == "POST" else {
            return reject(respond, 405, "method", "method \(req.method) not allowed; use POST", headers: [("Allow", "POST")])
        }
        guard let kind = IntegrationKind(rawValue: String(parts[1])) else {
            return reject(respond, 404, "unknown_kind", "unknown integration kind \"\(parts[1])\"")
        }
        let token = String(parts[2])
        // Check every integration of the kind, in constant time each, without an early exit.
        var match: IntegrationConfig? = nil
        for i in config.integrations where i.kind == kind {
            if Signing.constantTimeEquals(i.token.utf8, token.utf8) { match = i }
        }
        guard let integration = match else { return reject(respond, 404, "unknown_token", "unknown integration") }
        if let failure = GatewayAuth.check(integration.auth, req) {
            return reject(respond, 401, "unauthorized", failure.message, integration: integration.name, headers: failure.headers)
        }
        accept(req, integration: integration, respond)
    }

    private func accept(_ req: HTTPRequest, integration: IntegrationConfig, _ respond: @escaping HTTPResponder) {
        let alerts: [Alert]
        do {
            let body = try JSONParsing.parse(req.body, limits: JSONLimits(maxDepth: config.gateway.maxJSONDepth))
            let context = integration.normalizeContext(makeID: AlertID.make)
            alerts = try Normalizer.normalize(body, kind: integration.kind, context: context)
        } catch {
            return reject(respond, 400, "invalid_payload", error.description, integration: integration.name)
        }
        if alerts.count > config.gateway.maxAlertsPerRequest {
            return reject(
                respond, 413, "too_many_alerts", "\(alerts.count) alerts in one request; the limit is \(config.gateway.maxAlertsPerRequest)",
                integration: integration.name)
        }

        guard admission.admit(alerts.count) else { return shed(respond) }
        stats.inFlight.add(1)
        stats.pendingAlerts.add(Double(alerts.count))
        let ids = alerts.map(\.id)
        let started = DispatchTime.now().uptimeNanoseconds
        let request = PendingRequest(count: alerts.count) { [self] failure in
            admission.release(ids.count)
            stats.inFlight.add(-1)
            stats.pendingAlerts.add(-Double(ids.count))
            stats.publishSeconds.observe(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            if let failure {
                logger.warning("publish failed; answering 503", ["integration": integration.name, "error": failure])
                stats.rejected.inc(["reason": "broker_unavailable"])
                respond(.error(503, "broker unavailable: alerts not accepted; retry later", headers: [("Retry-After", "5")]))
            } else {
                stats.accepted.inc(["integration": integration.name, "source": integration.kind.rawValue], by: Double(ids.count))
                respond(.json(202, Self.acceptedBody(ids)))
            }
        }
        deadlines.add(request)
        for alert in alerts {
            let message = OutboundMessage(
                exchange: topology.exchange, routingKey: topology.ingestQueue, body: Codec.encode(alert), messageID: alert.id)
            publisher.enqueue(message) { [deadlines] result in
                if request.complete(result) { deadlines.remove(request) }
            }
        }
    }

    /// `{"accepted":N,"ids":[…]}` without JSONSerialization: ids are lower-case UUIDs, nothing
    /// to escape (asserted in debug builds).
    static func acceptedBody(_ ids: [String]) -> [UInt8] {
        var out = Array("{\"accepted\":\(ids.count),\"ids\":[".utf8)
        out.reserveCapacity(out.count + ids.count * 39 + 2)
        for (i, id) in ids.enumerated() {
            assert(!id.utf8.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 })
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: id.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// 503 for a request past `gateway.max_pending_alerts`. Logged at most every 10 s with the
    /// number of requests shed meanwhile: under overload a line per request would cost the CPU
    /// the gateway is short of.
    private func shed(_ respond: HTTPResponder) {
        stats.rejected.inc(["reason": "overloaded"])
        if let suppressed = shedLog.shouldLog("overloaded") {
            logger.warning(
                "overloaded: shedding requests with 503",
                [
                    "pending_alerts": String(admission.current), "max_pending_alerts": String(admission.limit),
                    "shed_since_last_line": String(suppressed),
                ])
        }
        respond(
            .error(
                503,
                "overloaded: \(admission.current) alerts are waiting for the broker (gateway.max_pending_alerts \(admission.limit)); retry shortly",
                headers: [("Retry-After", "1")]))
    }

    func reject(
        _ respond: HTTPResponder, _ status: Int, _ reason: String, _ message: String,
        integration: String? = nil, headers: [(String, String)] = []
    ) {
        stats.rejected.inc(["reason": reason])
        if status != 404 || integration != nil {
            logger.info("rejected request", ["status": String(status), "reason": reason, "detail": message, "integration": integration ?? ""])
        }
        respond(.error(status, message, headers: headers))
    }
}

extension GatewayService {
    /// The gateway's publisher: the fleet's, with `gateway.publish_timeout` as the confirm
    /// deadline (a request waits no longer than that for its alerts to be confirmed).
    public static func makePublisher(config: KlaxonConfig, metrics: Metrics, logger: Logger? = nil) throws -> Publisher {
        try WorkerHost.makePublisher(config: config, metrics: metrics, logger: logger, confirmTimeoutMillis: config.gateway.publishTimeoutMillis)
    }
}
