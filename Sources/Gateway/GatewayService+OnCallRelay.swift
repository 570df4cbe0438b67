import AMQP
import AlertCore
import Foundation
import HTTPServer
import OnCall
import WorkerKit

/// The drop-in for Grafana OnCall's cloud phone relay (`oncall_relay:`; docs/voice.md), under
/// `oncall_relay.path` (`/oncall`), answering what OnCall OSS sends and reads
/// (`phone_backend.py`, `cloud_connector.py`, `cloud_heartbeat.py`):
///
/// - `GET api/v1/info/` → 200 `{"url": grafana_url}`.
/// - `GET api/v1/users[/]?page=&short=&roles=&roles=&email=` → the people page (`OnCallRelayUsers`).
/// - `POST api/v1/make_call`, `api/v1/send_sms` (form `email`, `message`) → a notification on
///   `notify.voice` / `notify.sms` for the person's phone, 200 `{}` once the broker confirmed
///   it; 404 `{"error":"user-not-found"}`, 400 `{"error":"number-not-verified"}` (no E.164
///   phone), 400 `{"error":"limit-exceeded"}` (`requests_per_minute` per token, calls and SMS
///   together), 503 `{"error":"failed"}` (not confirmed), 400 naming the field of a bad form.
/// - `POST api/v1/integrations/` (form `type=formatted_webhook`, `name`) → 201 `{id, heartbeat:
///   {link}}`, or 400 `{"detail":"Integration with this name already exists"}`; `GET
///   api/v1/integrations/?name=` → `{results: [{id, heartbeat: {link}}], …}`.
/// - `GET` the heartbeat link (no token) → 200, `klaxon_gateway_oncall_heartbeat_last_seconds{token}`
///   and a log line; 403 for a link the relay does not know (OnCall then creates it again).
///
/// Every endpoint but the heartbeat link wants `Authorization: <token>`, raw, one of
/// `oncall_relay.tokens`: else 403 JSON. Trailing slashes are optional.
extension GatewayService {
    func oncallRelay(_ req: HTTPRequest, _ route: OnCallRelayRoute, _ relay: OnCallRelay, _ respond: @escaping HTTPResponder) {
        let endpoint = route.endpoint
        guard endpoint != .unknown else {
            return relayAnswer(
                respond, endpoint, "not_found", 404,
                ["error": "not found; the relay answers api/v1/info/, api/v1/users, api/v1/make_call, api/v1/send_sms and api/v1/integrations/"])
        }
        let allowed = OnCallRelayRoute.methods(endpoint)
        guard allowed.contains(req.method) else {
            return relayAnswer(
                respond, endpoint, "method", 405, ["error": "method \(req.method) not allowed; use \(allowed.joined(separator: " or "))"],
                headers: [("Allow", allowed.joined(separator: ", "))])
        }
        if endpoint == .heartbeat {
            Task { await relayHeartbeat(route.integrationID, relay, respond) }
            return
        }
        guard let header = req.headers["authorization"], let token = IncidentAPIAuth.match(header, among: relay.config.tokens) else {
            let why = req.headers["authorization"] == nil ? "missing Authorization header" : "invalid token"
            return relayAnswer(
                respond, endpoint, "bad_token", 403,
                ["error": "\(why): send Authorization: <token>, a token of oncall_relay.tokens, without a scheme"])
        }
        switch endpoint {
        case .info:
            relayAnswer(respond, endpoint, "ok", 200, ["url": relay.config.grafanaURL])
        case .users:
            let query: OnCallRelayUsers.Query
            switch OnCallRelayUsers.Query.parse(req.queryPairs) {
            case .success(let q): query = q
            case .failure(let why): return relayAnswer(respond, endpoint, "invalid", 400, ["error": why.message])
            }
            let base = relayBase(req)
            let page = OnCallRelayUsers.page(config.people, query) { n in
                OnCallRelayUsers.url(base: base, path: req.path, query: req.queryPairs, page: n)
            }
            relayAnswer(respond, endpoint, "ok", 200, page)
        case .makeCall, .sendSMS:
            switch OnCallRelayMessage.parse(req.body) {
            case .success(let form):
                Task { await relayMessage(endpoint == .makeCall ? .voice : .sms, form, token: token, relay, respond) }
            case .failure(let why):
                relayAnswer(respond, endpoint, "invalid", 400, ["error": why.message])
            }
        case .integrations:
            let base = relayBase(req)
            if req.method == "POST" {
                let pairs = PercentEncoding.formPairs(req.body)
                let field = { (name: String) in pairs.first { $0.name == name }?.value ?? "" }
                guard field("type") == "formatted_webhook" else {
                    return relayAnswer(
                        respond, endpoint, "invalid", 400,
                        ["error": "type: the relay creates formatted_webhook integrations only, got \"\(field("type"))\""])
                }
                let name = field("name")
                guard !name.trimmingWhitespace().isEmpty, name.unicodeScalars.count <= 150 else {
                    return relayAnswer(respond, endpoint, "invalid", 400, ["error": "name: expected 1 to 150 characters"])
                }
                Task { await relayCreateIntegration(name, token: token, base: base, relay, respond) }
            } else {
                guard let name = req.query["name"], !name.isEmpty else {
                    return relayAnswer(respond, endpoint, "invalid", 400, ["error": "name: required (the relay finds integrations by name)"])
                }
                Task { await relayFindIntegration(name, token: token, base: base, relay, respond) }
            }
        case .heartbeat, .unknown:
            return
        }
    }

    /// Throttle, person, phone, then the notification, answered once the broker confirmed it.
    private func relayMessage(
        _ channel: Channel, _ form: OnCallRelayMessage, token: IncidentsConfig.APIToken, _ relay: OnCallRelay, _ respond: @escaping HTTPResponder
    ) async {
        let endpoint: OnCallRelayRoute.Endpoint = channel == .voice ? .makeCall : .sendSMS
        let key = RedisKeys.oncallRelayBudget(config.broker.namespace, token.name)
        guard case .granted = await relay.budget.acquire(key, cost: 1, limits: relay.limits) else {
            logger.warning("oncall relay: over requests_per_minute", ["token": token.name, "endpoint": endpoint.rawValue])
            return relayAnswer(respond, endpoint, "limit_exceeded", 400, ["error": "limit-exceeded"])
        }
        guard let person = config.people.first(where: { OnCallRelayUsers.hasEmail($0, form.email) }) else {
            logger.info("oncall relay: no person with this e-mail", ["token": token.name, "endpoint": endpoint.rawValue, "email": form.email])
            return relayAnswer(respond, endpoint, "user_not_found", 404, ["error": "user-not-found"])
        }
        guard let phone = person.phone, Checks.isE164(phone) else {
            logger.info("oncall relay: the person has no phone", ["token": token.name, "endpoint": endpoint.rawValue, "person": person.id.rawValue])
            return relayAnswer(respond, endpoint, "number_not_verified", 400, ["error": "number-not-verified"])
        }
        let id = OnCallRelayMessage.notificationID(AlertID.make())
        let n = form.notification(
            id: id, channel: channel, person: person, phone: phone, tokenName: token.name, template: relay.config.template, at: now())
        let log = ["token": token.name, "channel": channel.rawValue, "person": person.id.rawValue, "notification": id]
        if let failure = await publishConfirmed(OutboundMessage(n, topology: topology)) {
            logger.warning("oncall relay: notification not confirmed; answering failed", log.merging(["error": failure]) { a, _ in a })
            return relayAnswer(respond, endpoint, "failed", 503, ["error": "failed"])
        }
        logger.info("oncall relay: notification published", log)
        relayAnswer(respond, endpoint, "ok", 200, [:])
    }

    private func relayCreateIntegration(
        _ name: String, token: IncidentsConfig.APIToken, base: String, _ relay: OnCallRelay, _ respond: @escaping HTTPResponder
    ) async {
        let id = OnCallRelayIntegrations.id(name: name, token: token)
        do {
            if try await relay.integrations.create(id, .init(name: name, token: token.name)) {
                logger.info("oncall relay: heartbeat integration created", ["token": token.name, "integration": name, "id": id])
                relayAnswer(respond, .integrations, "created", 201, relayIntegration(id, name, base: base, relay))
            } else {
                relayAnswer(respond, .integrations, "exists", 400, ["detail": "Integration with this name already exists"])
            }
        } catch {
            relayUnavailable(respond, .integrations, error)
        }
    }

    private func relayFindIntegration(
        _ name: String, token: IncidentsConfig.APIToken, base: String, _ relay: OnCallRelay, _ respond: @escaping HTTPResponder
    ) async {
        let id = OnCallRelayIntegrations.id(name: name, token: token)
        do {
            let found = try await relay.integrations.find(id).map { $0.name == name && $0.token == token.name } ?? false
            let results = found ? [relayIntegration(id, name, base: base, relay)] : []
            relayAnswer(
                respond, .integrations, "ok", 200,
                [
                    "count": results.count, "next": NSNull(), "previous": NSNull(), "results": results, "page_size": 50,
                    "current_page_number": 1, "total_pages": 1,
                ])
        } catch {
            relayUnavailable(respond, .integrations, error)
        }
    }

    private func relayHeartbeat(_ id: String, _ relay: OnCallRelay, _ respond: @escaping HTTPResponder) async {
        let record: OnCallRelayIntegrations.Record?
        do { record = try await relay.integrations.find(id, touch: true) } catch { return relayUnavailable(respond, .heartbeat, error) }
        // The link must still be the one its token makes: a token removed or changed since
        // answers 403, and OnCall creates the integration again with its current token.
        guard let record, let token = relay.config.tokens.first(where: { $0.name == record.token }),
            OnCallRelayIntegrations.id(name: record.name, token: token) == id
        else {
            return relayAnswer(respond, .heartbeat, "unknown_link", 403, ["error": "unknown heartbeat link; OnCall creates the integration again"])
        }
        relay.stats.heartbeat.set(now().timeIntervalSince1970, ["token": token.name])
        logger.info("oncall relay: heartbeat", ["token": token.name, "integration": record.name])
        relayAnswer(respond, .heartbeat, "ok", 200, [:])
    }

    /// `{"id", "name", "type", "heartbeat": {"link"}}`.
    private func relayIntegration(_ id: String, _ name: String, base: String, _ relay: OnCallRelay) -> [String: Any] {
        [
            "id": id, "name": name, "type": "formatted_webhook",
            "heartbeat": ["link": base + OnCallRelayRoute.heartbeatPath(prefix: relay.config.path, id: id)],
        ]
    }

    /// Where OnCall reaches the gateway, for absolute links: `gateway.public_url`, else the
    /// request's `Host` (with `X-Forwarded-Proto: https` behind a TLS proxy).
    private func relayBase(_ req: HTTPRequest) -> String {
        if let u = config.gateway.publicURL { return u.hasSuffix("/") ? String(u.dropLast()) : u }
        let scheme = req.headers["x-forwarded-proto"]?.lowercased() == "https" ? "https" : "http"
        return "\(scheme)://\(req.headers["host"] ?? config.gateway.listen.description)"
    }

    private func relayUnavailable(_ respond: HTTPResponder, _ endpoint: OnCallRelayRoute.Endpoint, _ error: any Error) {
        logger.warning("oncall relay: Redis unavailable", ["endpoint": endpoint.rawValue, "error": String(describing: error)])
        relayAnswer(
            respond, endpoint, "unavailable", 503, ["error": "integrations unavailable: Redis cannot be reached; retry later"],
            headers: [("Retry-After", "10")])
    }

    /// Counts `outcome` and answers `body` as JSON.
    private func relayAnswer(
        _ respond: HTTPResponder, _ endpoint: OnCallRelayRoute.Endpoint, _ outcome: String, _ status: Int, _ body: [String: Any],
        headers: [(String, String)] = []
    ) {
        oncallRelay?.stats.count(endpoint, outcome)
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        respond(.json(status, Array(data), headers: headers))
    }
}
