/// What Klaxon's runtime needs from a broker publisher: confirmed publishes and whether the
/// broker is reachable. `Publisher` is the real one; tests use in-memory and outage fakes.
///
/// Contract (as `Publisher`): a publish returns only once the broker stored the message (a
/// queue took it); it throws `AMQPError` otherwise (`isUnavailable`, `isUnroutable`, …).
public protocol MessagePublishing: Sendable {
    /// `true` while connected to the broker.
    var isConnected: Bool { get }
    /// Publishes one message and waits for the broker's confirm.
    func publish(_ message: OutboundMessage) async throws(AMQPError)
    /// Publishes several messages; returns when all are confirmed (throws the first failure).
    func publish(_ messages: [OutboundMessage]) async throws(AMQPError)
}

extension Publisher: MessagePublishing {}
