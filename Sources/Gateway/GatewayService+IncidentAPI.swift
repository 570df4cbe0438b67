import AlertCore
import Escalation
import EscalatorStore
import Foundation
import HTTPServer

/// The incident API, for scripts and bots, with a bearer token from `incidents.api_tokens`:
///
/// - `GET /api/v1/incidents[?status=…]`: the open incidents (`{"incidents": [summary…]}`).
/// - `GET /api/v1/incidents/{id}`: one incident with its paged targets, alert and timeline.
/// - `POST /api/v1/incidents/{id}/{ack|resolve|snooze|escalate}` with an optional body
///   `{"by": "…", "duration": "30m"}`: publishes one `IncidentCommand` (via `api`, by the body's
///   `by` or else the token's name) and answers 202 `{"command", "incident", "action", "by"}`
///   once the broker confirmed it. The escalator applies it moments later.
///
/// Answers: 401 (`WWW-Authenticate: Bearer`) without a valid token, 400 naming the field of a
/// bad body or query, 404 unknown incident or path, 405, 409 a resolved incident, 503 (with
/// `Retry-After`) when Redis or the broker is unavailable. Errors are `{"error": reason}` like
/// the rest of the gateway. Dates are RFC 3339 UTC strings (`IncidentJSON`).
extension GatewayService {
    /// Answers `/api/…` (see above): method, then token, then the request; Redis and the broker
    /// are reached in a task of its own.
    func incidentAPI(_ req: HTTPRequest, _ route: IncidentPath, _ respond: @escaping HTTPResponder) {
        let isRead = req.method == "GET" || req.method == "HEAD"
        var verb: IncidentVerb? = nil
        switch route {
        case .apiList, .apiIncident:
            guard isRead else {
                return reject(respond, 405, "method", "method \(req.method) not allowed; use GET", headers: [("Allow", "GET, HEAD")])
            }
        case .apiAction(_, let segment):
            guard let v = IncidentVerb(apiSegment: segment) else {
                return reject(respond, 404, "not_found", "not found; the actions are ack, resolve, snooze and escalate")
            }
            guard req.method == "POST" else {
                return reject(respond, 405, "method", "method \(req.method) not allowed; use POST", headers: [("Allow", "POST")])
            }
            verb = v
        default:
            return reject(respond, 404, "not_found", "not found; the incident API is /api/v1/incidents[/{id}[/{ack|resolve|snooze|escalate}]]")
        }
        let tokenName: String
        switch IncidentAPIAuth.check(req.headers["authorization"], tokens: config.incidents.apiTokens) {
        case .success(let name): tokenName = name
        case .failure(let why): return reject(respond, 401, "api_unauthorized", why.message, headers: [IncidentAPIAuth.challenge])
        }
        switch route {
        case .apiList:
            var status: IncidentStatus? = nil
            if let s = req.query["status"] {
                guard let parsed = IncidentStatus(rawValue: s) else {
                    let all = IncidentStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    return reject(respond, 400, "invalid_request", "status: expected one of \(all), got \"\(s)\"")
                }
                status = parsed
            }
            Task { await list(status: status, respond) }
        case .apiIncident(let id):
            Task { await show(id, respond) }
        case .apiAction(let id, _):
            guard let verb else { return }
            let body: IncidentAPIBody
            do { body = try IncidentAPIBody.parse(req.body, verb: verb, maxDepth: config.gateway.maxJSONDepth) } catch {
                return reject(respond, 400, "invalid_request", error.description)
            }
            Task { await act(verb, on: id, body: body, tokenName: tokenName, respond) }
        default:
            return
        }
    }

    private func list(status: IncidentStatus?, _ respond: @escaping HTTPResponder) async {
        guard let records = await readOpenIncidents() else { return storeUnavailable(respond) }
        let shown = records.filter { status == nil || $0.incident.status == status }
        respond(.json(200, IncidentJSON.encode(IncidentJSON.List(incidents: shown.map(IncidentJSON.Summary.init)))))
    }

    private func show(_ id: String, _ respond: @escaping HTTPResponder) async {
        switch await readIncident(id) {
        case .found(let r): respond(.json(200, IncidentJSON.encode(IncidentJSON.Detail(r, text: incidentText))))
        case .missing: reject(respond, 404, "incident_unknown", "no incident \(id)")
        case .unavailable: storeUnavailable(respond)
        }
    }

    private func act(_ verb: IncidentVerb, on id: String, body: IncidentAPIBody, tokenName: String, _ respond: @escaping HTTPResponder) async {
        let record: IncidentRecord
        switch await readIncident(id) {
        case .found(let r): record = r
        case .missing: return reject(respond, 404, "incident_unknown", "no incident \(id)")
        case .unavailable: return storeUnavailable(respond)
        }
        guard record.incident.status != .resolved else {
            return reject(respond, 409, "incident_resolved", "incident \(id) is resolved; nothing can change it any more")
        }
        let until = body.durationMillis.map { now().addingTimeInterval(TimeInterval($0) / 1000) }
        let command = makeCommand(verb, incident: id, by: body.by ?? tokenName, via: .api, until: until)
        if await publish(command, verb: verb, path: .api) != nil {
            stats.rejected.inc(["reason": "broker_unavailable"])
            return respond(.error(503, "broker unavailable: the command was not sent; retry later", headers: [("Retry-After", "5")]))
        }
        let accepted = IncidentJSON.Accepted(
            command: command.id, incident: id, action: command.action.rawValue, by: command.by, until: until.map(Timestamps.format))
        respond(.json(202, IncidentJSON.encode(accepted)))
    }

    private func storeUnavailable(_ respond: HTTPResponder) {
        reject(respond, 503, "redis_unavailable", "incidents unavailable: Redis cannot be reached; retry later", headers: [("Retry-After", "10")])
    }
}
