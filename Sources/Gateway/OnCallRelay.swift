import AlertCore
import Foundation
import Redis
import WorkerKit

/// What the Grafana OnCall relay keeps while the gateway runs (`oncall_relay:` with tokens):
/// its throttle, its heartbeat integrations and its metrics. The endpoints are
/// `GatewayService+OnCallRelay.swift`.
final class OnCallRelay: Sendable {
    let config: OnCallRelayConfig
    /// `requests_per_minute` per token: a sliding log in Redis shared by every replica when the
    /// gateway has Redis (`RedisBudget`, which falls back to a log per process while Redis is
    /// unreachable), else a log in this process.
    let budget: any RobotBudget
    let integrations: OnCallRelayIntegrations
    let stats: OnCallRelayMetrics
    /// Whether the throttle is shared by the replicas (the gateway has Redis), for the start-up log.
    let sharedThrottle: Bool

    init(config: OnCallRelayConfig, namespace: String, redis: (any RedisCommanding)?, logger: Logger, metrics: Metrics) {
        self.config = config
        budget = redis.map { RedisBudget(redis: $0, logger: logger) } ?? LocalBudget()
        sharedThrottle = redis != nil
        integrations = OnCallRelayIntegrations(redis: redis, namespace: namespace)
        stats = OnCallRelayMetrics(metrics, tokens: config.tokens.map(\.name))
    }

    /// The throttle's limit: `requests_per_minute` in a sliding minute.
    var limits: [RateLimit] { [RateLimit(messages: config.requestsPerMinute, windowMillis: 60_000)] }
}

/// The relay's metrics, registered when the relay is on.
struct OnCallRelayMetrics: Sendable {
    /// Requests by endpoint (`OnCallRelayRoute.Endpoint`) and outcome (`outcomes`).
    let requests: Counter
    /// Unix time of the last heartbeat per token (0: none since the gateway started).
    let heartbeat: Gauge

    /// Every `outcome` label value, by the endpoints it occurs on.
    static let outcomes: [OnCallRelayRoute.Endpoint: [String]] = [
        .info: ["ok", "bad_token", "method"],
        .users: ["ok", "bad_token", "invalid", "method"],
        .makeCall: ["ok", "bad_token", "invalid", "user_not_found", "number_not_verified", "limit_exceeded", "failed", "method"],
        .sendSMS: ["ok", "bad_token", "invalid", "user_not_found", "number_not_verified", "limit_exceeded", "failed", "method"],
        .integrations: ["ok", "created", "exists", "bad_token", "invalid", "unavailable", "method"],
        .heartbeat: ["ok", "unknown_link", "unavailable", "method"],
        .unknown: ["not_found"],
    ]

    init(_ m: Metrics, tokens: [String]) {
        requests = m.counter(
            "klaxon_gateway_oncall_relay_requests_total",
            "Grafana OnCall relay requests, by endpoint (info, users, make_call, send_sms, integrations, heartbeat, unknown) and outcome.")
        heartbeat = m.gauge(
            "klaxon_gateway_oncall_heartbeat_last_seconds",
            "Unix time of the last heartbeat an OnCall install sent through the relay, by token name (0: none since this gateway started).")
        for (endpoint, outcomes) in Self.outcomes {
            for o in outcomes { requests.inc(["endpoint": endpoint.rawValue, "outcome": o], by: 0) }
        }
        for t in tokens { heartbeat.set(0, ["token": t]) }
    }

    func count(_ endpoint: OnCallRelayRoute.Endpoint, _ outcome: String) {
        requests.inc(["endpoint": endpoint.rawValue, "outcome": outcome])
    }
}
