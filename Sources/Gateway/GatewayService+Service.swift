import AlertCore
import Foundation
import WorkerKit

/// The gateway's HTTP server as a `Service`: `run()` listens until `shutdown()` has drained the
/// requests in flight (see `stop()`). List the publisher before it, so the group stops the
/// publisher only after the last answer.
extension GatewayService: Service {
    public var name: String { "http" }

    public func run() async throws {
        if !isListening { try start() }
        for await _ in stopped.stream {}
    }

    /// `stop()` blocks while it drains: it runs on a thread of its own, never on the
    /// cooperative pool (two threads on this machine).
    public func shutdown() {
        logger.info("stopping: no new connections; answering requests in flight")
        let t = Thread { self.stop() }
        t.name = "gateway-drain"
        t.start()
    }

    public func notReady() -> [String] { health.readiness() }
}

extension GatewayService {
    /// Where the process serves `/healthz`, `/readyz` and `/metrics` apart from the gateway's own
    /// port: `--health-listen` (or `KLAXON_HEALTH_LISTEN`) when given on another port; `nil`
    /// when not given (the gateway's port answers them alone) or when it is the gateway's port.
    public static func separateHealthListen(_ options: ProcessOptions, config: GatewayConfig) -> ListenAddress? {
        guard options.healthListenGiven, options.healthListen.port != config.listen.port || config.listen.port == 0 else { return nil }
        return options.healthListen
    }
}
