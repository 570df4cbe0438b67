/// A long-running part of a process: a queue consumer, a timer loop, an HTTP server, the broker
/// publisher. A `ServiceGroup` runs a process's services together, serves their health and
/// stops them in order (the shape of swift-service-lifecycle's `Service`).
///
/// Contract: `run()` returns when the service is done: after `shutdown()` once what it held is
/// settled, or on its own (which stops the whole group). It throws only for a failure that
/// should end the process (exit 1). `shutdown()` never blocks: it asks, `run()` answers.
public protocol Service: Sendable {
    /// A short name for logs.
    var name: String { get }
    /// Runs until done; see the protocol's contract.
    func run() async throws
    /// Begins a graceful stop: take no new work, finish and settle what is in flight.
    func shutdown()
    /// What is not ready right now (empty when ready), named by `/readyz`.
    func notReady() -> [String]
}

extension Service {
    public func notReady() -> [String] { [] }
}
