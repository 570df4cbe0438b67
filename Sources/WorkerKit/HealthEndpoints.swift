import Foundation
import HTTPServer

/// `/healthz` (alive), `/readyz` (dependencies reachable, consumer running) and `/metrics`.
/// Workers serve them on their own port; the gateway mounts them beside its API.
public struct HealthEndpoints: Sendable {
    public let metrics: Metrics
    /// Returns the names of unready dependencies; empty means ready.
    public let readiness: @Sendable () -> [String]

    public init(metrics: Metrics, readiness: @escaping @Sendable () -> [String]) {
        self.metrics = metrics
        self.readiness = readiness
    }

    /// Answers the request if it is one of the three paths; returns `false` otherwise.
    public func answer(_ req: HTTPRequest, _ respond: HTTPResponder) -> Bool {
        switch (req.method, req.path) {
        case ("GET", "/healthz"):
            respond(.json(200, Array(#"{"status":"ok"}"#.utf8)))
        case ("GET", "/readyz"):
            let down = readiness()
            if down.isEmpty {
                respond(.json(200, Array(#"{"status":"ready"}"#.utf8)))
            } else {
                let body = try! JSONSerialization.data(withJSONObject: ["status": "not ready", "waiting_for": down], options: [.sortedKeys])
                respond(.json(503, Array(body)))
            }
        case ("GET", "/metrics"):
            respond(.text(200, metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8"))
        default:
            return false
        }
        return true
    }

    /// A server with only these endpoints (workers).
    public func serve(on address: String, port: Int) throws -> HTTPServer {
        try HTTPServer(.init(host: address, port: port, threads: 1, maxConnections: 64, idleTimeoutSeconds: 10, maxBodyBytes: 4096)) { req, respond in
            if !answer(req, respond) { respond(.error(404, "not found; try /healthz, /readyz or /metrics")) }
        }
    }
}
