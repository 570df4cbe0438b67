import AlertCore
import Escalation
import EscalatorStore
import Foundation
import HTTPServer
import IncidentLinks
import OnCall

/// The pages of signed links (`IncidentLink`), for people on a phone:
///
/// - `GET /incidents/{id}?p&a&e&s[&done=…]` shows the incident and the link's buttons. It
///   changes nothing: chat apps and mail scanners open links before people do.
/// - `POST /incidents/{id}/{acknowledge|resolve|snooze|escalate}?p&a&e&s` (a button; form
///   fields `by` for team links, `minutes` for snooze) checks the link again, that it allows the
///   action and that the incident is open, publishes one `IncidentCommand` (via `link`) with a
///   confirm, and answers 303 to the page (under `gateway.public_url` when set) with `done=`
///   (post/redirect/get: reloading the answer does not act twice).
///
/// Every problem is a small HTML page (`PageProblem`): no `incidents.link_secret_env` 404, a
/// damaged link 400, a wrong signature 403, an expired link 410, an action the link does not
/// allow 403, an unknown incident 404, a resolved one 409, Redis or the broker unavailable 503.
/// The link is checked before Redis is read, so a bad link learns nothing about incidents.
extension GatewayService {
    /// Answers `/incidents/…` (see above); the incident is read in a task of its own.
    func incidentPage(_ req: HTTPRequest, _ route: IncidentPath, _ respond: @escaping HTTPResponder) {
        guard let secret = config.incidents.linkSecret else { return problem(respond, .linksOff) }
        let id: String
        let verb: IncidentVerb?
        switch route {
        case .page(let i):
            guard req.method == "GET" || req.method == "HEAD" else { return problem(respond, .method(req.method, allow: "GET, HEAD")) }
            (id, verb) = (i, nil)
        case .pageAction(let i, let segment):
            guard let v = IncidentVerb(pageSegment: segment) else { return problem(respond, .notFound) }
            guard req.method == "POST" else { return problem(respond, .method(req.method, allow: "POST")) }
            (id, verb) = (i, v)
        default:
            return problem(respond, .notFound)
        }
        let link: IncidentLink
        switch IncidentLinkCheck.verify(id: id, query: req.query, secret: secret, now: now()) {
        case .success(let l): link = l
        case .failure(let p): return problem(respond, p, incident: id)
        }
        if let verb, case .failure(let p) = IncidentLinkCheck.allow(verb, by: link) { return problem(respond, p, incident: id) }
        let query = IncidentLinkCheck.query(link, secret: secret)
        Task {
            let record: IncidentRecord
            switch await readIncident(id) {
            case .found(let r): record = r
            case .missing: return problem(respond, .unknownIncident(id))
            case .unavailable: return problem(respond, .storeDown)
            }
            guard let verb else {
                let page = IncidentPage(
                    record: record, link: link, query: query, text: incidentText, steps: policySteps[record.incident.policy],
                    notice: IncidentPage.Notice(query: req.query["done"]))
                return respond(HTTPResponse(status: 200, headers: HTML.headers, body: Array(page.html().utf8)))
            }
            await act(verb, on: record, link: link, query: query, form: IncidentPageForm(body: req.body), respond)
        }
    }

    /// A button: checks the incident and the form, publishes the command, redirects to the page.
    private func act(
        _ verb: IncidentVerb, on record: IncidentRecord, link: IncidentLink, query: String, form: IncidentPageForm,
        _ respond: @escaping HTTPResponder
    ) async {
        let id = record.incident.id
        guard record.incident.status != .resolved else { return problem(respond, .resolved, incident: id) }
        let by: String
        switch form.actor(link: link, paged: record.incident.paged.people) {
        case .success(let b): by = b
        case .failure(let why): return problem(respond, .form(why.message), incident: id)
        }
        var minutes: Int? = nil
        if verb == .snooze {
            switch form.snooze() {
            case .success(let choice): minutes = choice.rawValue
            case .failure(let why): return problem(respond, .form(why.message), incident: id)
            }
        }
        let until = minutes.map { now().addingTimeInterval(TimeInterval($0 * 60)) }
        let command = makeCommand(verb, incident: id, by: by, via: .link, until: until)
        if await publish(command, verb: verb, path: .link) != nil { return problem(respond, .brokerDown, incident: id) }
        // Back to the page: under gateway.public_url, where the link pointed, when configured.
        let notice = IncidentPage.Notice(verb, minutes: minutes)
        let base = config.gateway.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        let location = "\(base)/incidents/\(HTML.pathSegment(id))?\(query)&done=\(notice.queryValue)"
        let body = HTML.document(
            title: "Done · Klaxon",
            body: "<p class=\"notice\">\(HTML.escape(notice.text))</p>\n<p><a href=\"\(HTML.escape(location))\">Back to the incident</a></p>")
        respond(HTTPResponse(status: 303, headers: HTML.headers + [("Location", location)], body: Array(body.utf8)))
    }

    /// Answers `p` as its HTML page and counts it.
    func problem(_ respond: HTTPResponder, _ p: PageProblem, incident: String? = nil) {
        stats.rejected.inc(["reason": p.reason])
        if let reason = p.linkReason { stats.linksRejected.inc(["reason": reason]) }
        if p.status != 404 || incident != nil {
            // Never the query: it holds the link's signature.
            logger.info("incident page refused", ["status": String(p.status), "reason": p.reason, "incident": incident ?? ""])
        }
        respond(HTTPResponse(status: p.status, headers: HTML.headers + p.headers, body: Array(p.html().utf8)))
    }
}
