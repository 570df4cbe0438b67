/// What a consume loop needs from a queue consumer: batches of deliveries, settling each one,
/// and stopping. `Consumer` is the real one; tests use in-memory and outage fakes.
public protocol MessageConsuming: Sendable {
    /// `true` while subscribed to the queue.
    var isConsuming: Bool { get }
    /// The next deliveries (at most `max`), waiting for at least one; `nil` once stopped and
    /// drained: the loop ends.
    func nextBatch(max: Int) async -> [Delivery]?
    /// Settles a delivery: the broker forgets the message.
    func ack(_ d: Delivery)
    /// Settles a delivery: the broker gives the message back to the queue.
    func requeue(_ d: Delivery)
    /// Stops taking deliveries; lets the ones handed out be settled for up to `drainMillis`.
    func stop(drainMillis: Int)
}

extension Consumer: MessageConsuming {}
