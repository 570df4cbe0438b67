import AlertCore
import HTTPServer
import WorkerKit

/// The gateway's metrics, registered once at start-up. With the publisher's
/// `klaxon_publish_confirm_seconds` (see `GatewayService.makePublisher`), they are the issue's
/// list: accepted alerts per integration and source, rejected requests by reason, publish-to-
/// confirm latency, requests in flight; and for incidents, the commands handed to the escalator
/// by action and path, and the signed links refused by reason.
struct GatewayMetrics: Sendable {
    let accepted: Counter
    let rejected: Counter
    let connectionsCut: Counter
    let inFlight: Gauge
    /// Alerts of those requests (what `gateway.max_pending_alerts` bounds).
    let pendingAlerts: Gauge
    let publishSeconds: Histogram
    /// Calendar feeds served, by kind (schedule, person).
    let feeds: Counter
    /// Incident commands confirmed by the broker, by action and path (link, api).
    let incidentActions: Counter
    /// Phone providers' callbacks, by provider kind and outcome (a key, a call status, bad_signature, bad_token).
    let voiceCallbacks: Counter
    /// Signed links refused, by reason (`IncidentLinkCheck.reasons`).
    let linksRejected: Counter

    /// Every `reason` label value of `rejected`.
    static let rejectReasons = [
        "not_found", "method", "unknown_kind", "unknown_token", "unauthorized", "invalid_payload",
        "too_many_alerts", "broker_unavailable", "overloaded", "body_too_large", "shutting_down",
        "feeds_off", "feed_token", "feed_unknown",
        "links_off", "link_malformed", "link_signature", "link_expired", "link_action", "invalid_form",
        "api_unauthorized", "invalid_request", "incident_unknown", "incident_resolved", "redis_unavailable",
    ]

    init(_ m: Metrics, integrations: [IntegrationConfig]) {
        accepted = m.counter("klaxon_gateway_alerts_accepted_total", "Alerts accepted (confirmed by the broker), by integration and source.")
        rejected = m.counter("klaxon_gateway_requests_rejected_total", "Requests answered with an error, by reason.")
        connectionsCut = m.counter(
            "klaxon_gateway_connections_timed_out_total",
            "Connections closed by gateway.idle_timeout: slow senders, keep-alive connections left idle, clients not reading their response.")
        inFlight = m.gauge("klaxon_gateway_requests_in_flight", "Accepted requests waiting for their broker confirms.")
        pendingAlerts = m.gauge(
            "klaxon_gateway_alerts_pending", "Alerts of accepted requests waiting for their broker confirms (bounded by gateway.max_pending_alerts).")
        feeds = m.counter("klaxon_gateway_feeds_served_total", "Calendar feeds served, by kind (schedule, person).")
        incidentActions = m.counter(
            "klaxon_gateway_incident_actions_total",
            "Incident commands (acknowledge, resolve, snooze, escalate) handed to the escalator and confirmed by the broker, by action and path (link, api)."
        )
        voiceCallbacks = m.counter(
            "klaxon_gateway_voice_callbacks_total",
            "Phone provider callbacks, by provider (twilio, webhook, aliyun, tencent) and outcome (key_1, key_2, key_3, other_key, completed, no-answer, busy, failed, Aliyun's status codes, answered, no_answer, failure_<code>, unknown_call, …, bad_signature, bad_token)."
        )
        linksRejected = m.counter(
            "klaxon_gateway_incident_links_rejected_total",
            "Signed incident links refused, by reason: links_off, malformed, bad_signature, expired, action_not_allowed.")
        publishSeconds = m.histogram("klaxon_gateway_publish_seconds", "Time from a request's first publish to its last confirm (or failure).")
        // Series exist from the start (at 0), so dashboards and rate() see them before the first event.
        for i in integrations { accepted.inc(["integration": i.name, "source": i.kind.rawValue], by: 0) }
        for r in Self.rejectReasons { rejected.inc(["reason": r], by: 0) }
        connectionsCut.inc([:], by: 0)
        for kind in ["schedule", "person"] { feeds.inc(["kind": kind], by: 0) }
        for action in IncidentVerb.allCases {
            for path in ["link", "api", "phoneKey"] { incidentActions.inc(["action": action.rawValue, "path": path], by: 0) }
        }
        for r in IncidentLinkCheck.reasons { linksRejected.inc(["reason": r], by: 0) }
        inFlight.add(0)
        pendingAlerts.add(0)
    }

    /// Counts what the HTTP server answered or cut without the gateway's handler.
    func record(_ event: HTTPServer.Event) {
        switch event {
        case .bodyTooLarge: rejected.inc(["reason": "body_too_large"])
        case .answeredAtShutdown: rejected.inc(["reason": "shutting_down"])
        case .connectionCut: connectionsCut.inc([:])
        }
    }
}
