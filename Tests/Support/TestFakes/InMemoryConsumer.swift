import AMQP
import Synchronization

/// Consumes one queue of an `InMemoryBroker` until it is idle: `nextBatch` hands out what is
/// ready and returns `nil` (the consume loop ends) once nothing is left that this consumer has
/// not already handed out, or after `stop`. A requeued message goes back to its queue for the
/// next consumer rather than to this one again, so a test's loop always ends, and the test
/// sees the message where the broker would keep it.
public final class InMemoryConsumer: MessageConsuming {
    let broker: InMemoryBroker
    /// The queue consumed.
    public let queue: String
    private let state = Mutex((stopped: false, seen: Set<UInt64>()))

    init(broker: InMemoryBroker, queue: String) {
        self.broker = broker
        self.queue = queue
    }

    /// `true` until stopped.
    public var isConsuming: Bool { state.withLock { !$0.stopped } }

    /// Up to `max` ready deliveries, or `nil` when idle or stopped.
    public func nextBatch(max: Int) async -> [Delivery]? {
        let seen = state.withLock { $0.stopped ? nil : $0.seen }
        guard let seen else { return nil }
        let taken = broker.take(queue, max: max, skipping: seen)
        if taken.isEmpty { return nil }
        state.withLock { s in for t in taken { s.seen.insert(t.serial) } }
        return taken.map(\.delivery)
    }

    /// Acks the delivery in the broker.
    public func ack(_ d: Delivery) { broker.settle(d, .ack) }

    /// Gives the delivery back to its queue (this consumer does not take it again).
    public func requeue(_ d: Delivery) { broker.settle(d, .requeue) }

    /// Ends consuming: the next `nextBatch` returns `nil`.
    public func stop(drainMillis: Int) { state.withLock { $0.stopped = true } }
}
