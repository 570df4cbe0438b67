/// Holds a resource that the services listed after it in a `ServiceGroup` use (a group stops
/// its services last first, so they stop before it): runs until shut down, then calls `close`.
/// A worker's Redis connection closes this way only after its timer loop stopped; closing it
/// with the consumer left a running tick waiting on a closed connection and hung SIGTERM.
public final class ClosingService: Service {
    public let name: String
    let close: @Sendable () -> Void
    private let stop = AsyncStream<Void>.makeStream()

    /// A service named `name` that calls `close` once shut down.
    public init(name: String, close: @escaping @Sendable () -> Void) {
        self.name = name
        self.close = close
    }

    public func run() async throws {
        for await _ in stop.stream {}
        close()
    }

    public func shutdown() { stop.continuation.finish() }
}
