import AMQP
import Synchronization

/// A broker that is down: every publish fails as unavailable (`AMQPError.isUnavailable`, what
/// `Publisher` answers at once while disconnected), and the consumer yields nothing (its loop
/// ends at once). Counts the publishes tried, so a test can see that a worker tried.
public final class BrokerOutage: MessagePublishing, MessageConsuming {
    private let attempts = Atomic<Int>(0)
    private let settled = Atomic<Int>(0)

    public init() {}

    /// Publishes tried (each message of a batch counts).
    public var publishAttempts: Int { attempts.load(ordering: .relaxed) }
    /// Acks and requeues received; none can be valid, since nothing was delivered.
    public var settlements: Int { settled.load(ordering: .relaxed) }

    /// `false`: the broker is unreachable.
    public var isConnected: Bool { false }

    /// Throws `AMQPError.unreachable`.
    public func publish(_ message: OutboundMessage) async throws(AMQPError) {
        attempts.add(1, ordering: .relaxed)
        throw AMQPError.unreachable("connection refused (broker outage fake)")
    }

    /// Throws `AMQPError.unreachable`.
    public func publish(_ messages: [OutboundMessage]) async throws(AMQPError) {
        attempts.add(messages.count, ordering: .relaxed)
        throw AMQPError.unreachable("connection refused (broker outage fake)")
    }

    /// `false`: not subscribed.
    public var isConsuming: Bool { false }

    /// `nil`: nothing to consume.
    public func nextBatch(max: Int) async -> [Delivery]? { nil }

    /// Counted in `settlements`.
    public func ack(_ d: Delivery) { settled.add(1, ordering: .relaxed) }

    /// Counted in `settlements`.
    public func requeue(_ d: Delivery) { settled.add(1, ordering: .relaxed) }

    /// Nothing to stop.
    public func stop(drainMillis: Int) {}
}
