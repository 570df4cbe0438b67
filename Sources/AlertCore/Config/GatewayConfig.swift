import Foundation

/// `gateway:` the HTTP ingest server and its limits.
public struct GatewayConfig: Sendable, Equatable {
    public var listen: ListenAddress
    public var maxBodyBytes: Int
    public var maxJSONDepth: Int
    public var maxAlertsPerRequest: Int
    /// A connection idle (or sending too slowly) this long is closed.
    public var idleTimeoutSeconds: Int
    public var maxConnections: Int
    /// Alerts accepted and still waiting for their broker confirms, at most; a request that
    /// would go past it is answered 503 with `Retry-After` at once (load shedding: memory stays
    /// bounded however fast clients send and however slow the broker is).
    public var maxPendingAlerts: Int = 10_000
    /// How long a request may wait for the broker's confirm before answering 503.
    public var publishTimeoutMillis: Int64
    public var threads: Int
    /// On SIGTERM: how long to wait for requests in flight (their broker confirms) before
    /// answering the rest 503 and exiting.
    public var shutdownTimeoutMillis: Int64
    /// The gateway's address as clients outside reach it (`https://klaxon.example.com`), for the
    /// URLs `klaxonctl oncall feed-url` prints; `nil`: `http://<listen>`.
    public var publicURL: String? = nil

    static func read(_ m: MappingReader?) -> GatewayConfig {
        var c = GatewayConfig(
            listen: ListenAddress(host: "0.0.0.0", port: 8080), maxBodyBytes: 1 << 20, maxJSONDepth: 32,
            maxAlertsPerRequest: 1000, idleTimeoutSeconds: 30, maxConnections: 1024,
            publishTimeoutMillis: 10_000, threads: 2, shutdownTimeoutMillis: 15_000)
        guard let m else { return c }
        if let s = m.string("listen") {
            if let a = ListenAddress(s) { c.listen = a } else { m.report("listen", "expected host:port, got \"\(s)\"") }
        }
        c.maxBodyBytes = m.int("max_body_bytes", default: c.maxBodyBytes, range: 1024...(64 << 20))
        c.maxJSONDepth = m.int("max_json_depth", default: c.maxJSONDepth, range: 2...512)
        c.maxAlertsPerRequest = m.int("max_alerts_per_request", default: c.maxAlertsPerRequest, range: 1...100_000)
        c.idleTimeoutSeconds = m.int("idle_timeout_seconds", default: c.idleTimeoutSeconds, range: 1...3600)
        c.maxConnections = m.int("max_connections", default: c.maxConnections, range: 1...100_000)
        c.maxPendingAlerts = m.int("max_pending_alerts", default: c.maxPendingAlerts, range: 1...10_000_000)
        c.publishTimeoutMillis = m.duration("publish_timeout", default: c.publishTimeoutMillis, min: 100)
        c.threads = m.int("threads", default: c.threads, range: 1...64)
        c.shutdownTimeoutMillis = m.duration("shutdown_timeout", default: c.shutdownTimeoutMillis, min: 0)
        if let u = m.string("public_url") {
            if isHTTPURL(u) {
                c.publicURL = u
            } else {
                m.report("public_url", "expected an http:// or https:// URL such as https://klaxon.example.com, got \"\(u)\"")
            }
        }
        m.finish()
        return c
    }

    /// An absolute http(s) URL with a host, without a query or fragment.
    static func isHTTPURL(_ text: String) -> Bool {
        guard let u = URLComponents(string: text), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = u.host, !host.isEmpty, u.query == nil, u.fragment == nil
        else { return false }
        return true
    }
}
