import AMQP
import AlertCore
import Foundation
import HTTPServer
import Synchronization
import WorkerKit

/// The ingest gateway: `POST /integrations/<kind>/<token>` authenticates the integration,
/// parses and normalizes the payload into single alerts, publishes each persistently with a
/// publisher confirm, and answers 202 only once every alert is confirmed. Client mistakes get a
/// 4xx with `{"error": reason}`; a broker that cannot confirm gets 503 with `Retry-After`.
public final class GatewayService: Sendable {
    let config: KlaxonConfig
    let publisher: Publisher
    let logger: Logger
    let topology: Topology
    let stats: GatewayMetrics
    let health: HealthEndpoints
    private let server = Mutex<HTTPServer?>(nil)

    public init(config: KlaxonConfig, publisher: Publisher, logger: Logger, metrics: Metrics) {
        self.config = config
        self.publisher = publisher
        self.logger = logger
        self.topology = Topology(namespace: config.broker.namespace)
        self.stats = GatewayMetrics(metrics)
        self.health = HealthEndpoints(metrics: metrics) { publisher.isConnected ? [] : ["broker"] }
    }

    /// Starts listening; returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let g = config.gateway
        let s = try HTTPServer(.init(host: g.listen.host, port: g.listen.port, threads: g.threads, maxConnections: g.maxConnections,
                                     idleTimeoutSeconds: g.idleTimeoutSeconds, maxBodyBytes: g.maxBodyBytes)) { [self] req, respond in
            handle(req, respond)
        }
        server.withLock { $0 = s }
        logger.info("listening", ["address": "\(g.listen.host):\(s.port)", "integrations": String(config.integrations.count)])
        return s.port
    }

    public func stop() {
        server.withLock { s in s?.stop(); s = nil }
    }

    func handle(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        if health.answer(req, respond) { return }
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
            if constantTimeEquals(i.token, token) { match = i }
        }
        guard let integration = match else { return reject(respond, 404, "unknown_token", "unknown integration") }
        accept(req, integration: integration, respond)
    }

    private func accept(_ req: HTTPRequest, integration: IntegrationConfig, _ respond: @escaping HTTPResponder) {
        let alerts: [Alert]
        do {
            let body = try JSONParsing.parse(req.body, limits: JSONLimits(maxDepth: config.gateway.maxJSONDepth))
            let context = integration.normalizeContext()
            alerts = try Normalizer.normalize(body, kind: integration.kind, context: context)
        } catch {
            return reject(respond, 400, "invalid_payload", error.description, integration: integration.name)
        }
        if alerts.count > config.gateway.maxAlertsPerRequest {
            return reject(respond, 413, "too_many_alerts", "\(alerts.count) alerts in one request; the limit is \(config.gateway.maxAlertsPerRequest)", integration: integration.name)
        }

        stats.inFlight.add(1)
        let pending = Mutex((remaining: alerts.count, failure: AMQPError?.none))
        let ids = alerts.map(\.id)
        let started = DispatchTime.now().uptimeNanoseconds
        for alert in alerts {
            let message = OutboundMessage(exchange: topology.exchange, routingKey: topology.ingestQueue, body: Codec.encode(alert), messageID: alert.id)
            publisher.enqueue(message) { [self] result in
                let done: (Bool, AMQPError?)? = pending.withLock { p in
                    if case .failure(let e) = result, p.failure == nil { p.failure = e }
                    p.remaining -= 1
                    return p.remaining == 0 ? (true, p.failure) : nil
                }
                guard let (_, failure) = done else { return }
                stats.inFlight.add(-1)
                stats.requestSeconds.observe(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                if let failure {
                    logger.warning("publish failed; answering 503", ["integration": integration.name, "error": failure.description])
                    stats.rejected.inc(["reason": "broker_unavailable"])
                    respond(.error(503, "broker unavailable: alerts not accepted; retry later", headers: [("Retry-After", "5")]))
                } else {
                    stats.accepted.inc(["integration": integration.name, "source": integration.kind.rawValue], by: Double(alerts.count))
                    let body = try! JSONSerialization.data(withJSONObject: ["accepted": alerts.count, "ids": ids], options: [.sortedKeys])
                    respond(.json(202, Array(body)))
                }
            }
        }
    }

    private func reject(_ respond: HTTPResponder, _ status: Int, _ reason: String, _ message: String,
                        integration: String? = nil, headers: [(String, String)] = []) {
        stats.rejected.inc(["reason": reason])
        if status != 404 || integration != nil {
            logger.info("rejected request", ["status": String(status), "reason": reason, "detail": message, "integration": integration ?? ""])
        }
        respond(.error(status, message, headers: headers))
    }
}

/// The gateway's metrics, registered once at start-up.
struct GatewayMetrics: Sendable {
    let accepted: Counter
    let rejected: Counter
    let inFlight: Gauge
    let requestSeconds: Histogram

    init(_ m: Metrics) {
        accepted = m.counter("klaxon_gateway_alerts_accepted_total", "Alerts accepted (confirmed by the broker), by integration and source.")
        rejected = m.counter("klaxon_gateway_requests_rejected_total", "Requests answered with an error, by reason.")
        inFlight = m.gauge("klaxon_gateway_requests_in_flight", "Accepted requests waiting for their broker confirms.")
        requestSeconds = m.histogram("klaxon_gateway_publish_seconds", "Time from a request's first publish to its last confirm.")
    }
}
