import AMQP

/// The process's broker publisher as a `Service`: it runs until shut down, then confirms what
/// is queued and closes. List it before the services that publish through it, so the group
/// stops it last.
public final class PublisherService: Service {
    public let name = "publisher"
    public let publisher: Publisher
    private let stop = AsyncStream<Void>.makeStream()

    public init(_ publisher: Publisher) { self.publisher = publisher }

    public func run() async throws {
        for await _ in stop.stream {}
        await publisher.shutdown()
    }

    public func shutdown() { stop.continuation.finish() }

    public func notReady() -> [String] { publisher.isConnected ? [] : ["broker publisher"] }
}
