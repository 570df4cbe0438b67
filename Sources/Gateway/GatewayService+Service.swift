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
