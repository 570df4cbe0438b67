import AlertCore
import Foundation
import HTTPServer
import Synchronization

/// Runs a process's services together and stops them in order, once: health, readiness,
/// metrics, SIGTERM and graceful drain written in one place for every process.
///
/// - `run()` starts every service at once and serves `/healthz`, `/readyz` (every service's
///   `notReady()`) and `/metrics` on `healthListen` when given.
/// - It stops when `shutdown()` is called (SIGTERM in main) or when any service's `run()`
///   returns or throws. Then it shuts the services down in **reverse order**, each only after the
///   one after it finished: list producers of work before their users (the publisher before the
///   consumer that republishes through it), so nothing is cut while it is still needed.
/// - `run()` returns once every service returned; it throws the first service error.
public final class ServiceGroup: Sendable {
    enum Event: Sendable {
        case finished(Int, String?)
        case shutdown
    }

    public let services: [any Service]
    let logger: Logger
    let metrics: Metrics
    let healthListen: ListenAddress?
    private let events: (stream: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation)
    private let health: Mutex<HTTPServer?>

    /// - Throws: when the health port cannot be bound (before any service starts).
    public init(services: [any Service], logger: Logger, metrics: Metrics, healthListen: ListenAddress? = nil) throws {
        self.services = services
        self.logger = logger
        self.metrics = metrics
        self.healthListen = healthListen
        events = AsyncStream<Event>.makeStream()
        let endpoints = HealthEndpoints(metrics: metrics) { services.flatMap { $0.notReady() } }
        health = Mutex(try healthListen.map { try endpoints.serve(on: $0.host, port: $0.port) })
    }

    /// The bound health port (tests listen on port 0).
    public var healthPort: Int? { health.withLock { $0?.port } }

    /// Asks every service to stop, in reverse order; `run()` returns when they have.
    public func shutdown() { events.continuation.yield(.shutdown) }

    /// Runs until every service returned; throws the first failure a service reported.
    public func run() async throws {
        var firstError: String? = nil
        await withTaskGroup(of: Void.self) { group in
            for (i, s) in services.enumerated() {
                group.addTask { [events] in
                    do {
                        try await s.run()
                        events.continuation.yield(.finished(i, nil))
                    } catch {
                        events.continuation.yield(.finished(i, "\(error)"))
                    }
                }
            }
            var done = Set<Int>()
            var iterator = events.stream.makeAsyncIterator()
            func note(_ e: Event) {
                guard case .finished(let i, let error) = e else { return }
                done.insert(i)
                if let error {
                    logger.error("service failed", ["service": services[i].name, "error": error])
                    if firstError == nil { firstError = "\(services[i].name): \(error)" }
                } else if done.count < services.count {
                    logger.info("service finished", ["service": services[i].name])
                }
            }
            // Until a shutdown is asked for or any service ends…
            if let first = await iterator.next() { note(first) }
            // …then stop the rest, last first, each after the one after it finished.
            for i in services.indices.reversed() where !done.contains(i) {
                services[i].shutdown()
                while !done.contains(i), let e = await iterator.next() { note(e) }
            }
            await group.waitForAll()
        }
        events.continuation.finish()
        health.withLock {
            $0?.stop(); $0 = nil
        }
        if let firstError { throw ServiceError(description: firstError) }
    }
}

/// A service's failure, named after the service.
public struct ServiceError: Error, CustomStringConvertible {
    public var description: String
}
