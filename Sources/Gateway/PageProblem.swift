import Foundation

/// Why an incident page cannot be shown or its button cannot act: a status, a heading and a
/// sentence for the person holding the phone, as a small HTML page (never a stack trace, never
/// a 5xx for anything the request did). `reason` is the `klaxon_gateway_requests_rejected_total`
/// label; `linkReason`, for a problem with the link itself, the
/// `klaxon_gateway_incident_links_rejected_total` label.
struct PageProblem: Error, Sendable {
    var status: Int
    var reason: String
    var title: String
    var detail: String
    var linkReason: String? = nil
    var headers: [(String, String)] = []

    /// The page.
    func html() -> String {
        HTML.document(
            title: HTML.escape("\(title) · Klaxon"),
            body: "<h1>\(HTML.escape(title))</h1>\n<p class=\"problem\">\(HTML.escape(detail))</p>\n<p class=\"foot\">Klaxon · HTTP \(status)</p>")
    }

    /// Incident pages are off: `incidents.link_secret_env` is not configured.
    static let linksOff = PageProblem(
        status: 404, reason: "links_off", title: "Incident pages are off",
        detail: "This Klaxon has no incidents.link_secret_env configured, so it serves no incident pages.", linkReason: "links_off")

    /// Not an incident page's path.
    static let notFound = PageProblem(
        status: 404, reason: "not_found", title: "Not found",
        detail: "Incident pages are /incidents/{id} with the query of a signed link from a notification.")

    /// No incident under this id.
    static func unknownIncident(_ id: String) -> PageProblem {
        PageProblem(
            status: 404, reason: "incident_unknown", title: "No such incident",
            detail: "Klaxon has no incident \(id). Resolved incidents are kept for 7 days; this one may be older.")
    }

    /// The incident is resolved: buttons do nothing any more.
    static let resolved = PageProblem(
        status: 409, reason: "incident_resolved", title: "Already resolved",
        detail: "This incident is resolved; there is nothing left to do. A new alert opens a new incident.")

    /// A method the path does not take.
    static func method(_ method: String, allow: String) -> PageProblem {
        PageProblem(
            status: 405, reason: "method", title: "Not allowed",
            detail: "\(method) is not allowed here; use \(allow).", headers: [("Allow", allow)])
    }

    /// A form field is missing or wrong.
    static func form(_ detail: String) -> PageProblem {
        PageProblem(status: 400, reason: "invalid_form", title: "Something is missing", detail: detail)
    }

    /// Redis (the incidents) cannot be reached.
    static let storeDown = PageProblem(
        status: 503, reason: "redis_unavailable", title: "Incidents unavailable",
        detail:
            "Klaxon cannot reach its incident store (Redis) right now, so it cannot show or change this incident. Nothing was changed; try again in a minute.",
        headers: [("Retry-After", "10")])

    /// The broker did not confirm the command.
    static let brokerDown = PageProblem(
        status: 503, reason: "broker_unavailable", title: "Not sent",
        detail:
            "Klaxon could not hand your action to the escalator (the message broker did not confirm it). Nothing was changed; try again in a moment.",
        headers: [("Retry-After", "5")])
}
