import AMQP
import AlertCore
import Synchronization

/// A broker in memory, for tests that need no RabbitMQ: named queues bound to one direct
/// exchange by their own name (as `BrokerTopology` binds Klaxon's), confirmed publishes,
/// consumers that settle with ack or requeue.
///
/// Fidelity: a publish is "confirmed" when it is stored; publishing to a routing key no queue
/// has fails with `AMQPError.unroutable`, like a mandatory publish the broker returns. Delay
/// queues are ordinary queues; their TTL is simulated by `releaseDelayed()`, which moves
/// what waits in `<q>.delay.<d>` back to `<q>`. Settling a delivery twice (or one never
/// handed out) is recorded in `protocolErrors` (RabbitMQ would close the channel).
public final class InMemoryBroker: MessagePublishing {
    /// A stored message.
    public struct Message: Sendable {
        /// Identity of the stored message, kept across requeues.
        public var serial: UInt64
        /// The queue it was published to (a delay queue's message keeps it until released).
        public var routingKey: String
        /// The body as published.
        public var body: [UInt8]
        /// The headers as published.
        public var headers: [String: HeaderValue]
        /// The message-id property.
        public var messageID: String?
        /// `true` once it was handed out and requeued.
        public var redelivered: Bool
    }

    /// How a delivery was settled.
    public enum Settlement: String, Sendable { case ack, requeue }

    /// One settlement, in the order they happened.
    public struct SettlementRecord: Sendable {
        /// The queue the delivery came from.
        public var queue: String
        /// The delivery's message-id property.
        public var messageID: String?
        /// Ack or requeue.
        public var how: Settlement
    }

    struct State {
        var queues: [String: [Message]] = [:]
        var unacked: [UInt64: (queue: String, message: Message)] = [:]
        var nextSerial: UInt64 = 0
        var nextTag: UInt64 = 0
        var settlements: [SettlementRecord] = []
        var protocolErrors: [String] = []
    }

    let state = Mutex(State())

    /// A broker with `queues` declared (empty).
    public init(queues: [String] = []) { declare(queues) }

    /// A broker with Klaxon's topology declared: every work queue, its dead-letter queue and
    /// one delay queue per retry delay (what `BrokerTopology.declare` creates).
    public convenience init(topology: Topology, retryDelaysMillis: [Int64]) {
        self.init()
        for q in topology.workQueues {
            declare([q, topology.deadLetterQueue(of: q)] + retryDelaysMillis.map { topology.delayQueue(of: q, delayMillis: $0) })
        }
    }

    /// Declares empty queues (existing ones are kept as they are).
    public func declare(_ queues: [String]) {
        state.withLock { s in for q in queues where s.queues[q] == nil { s.queues[q] = [] } }
    }

    /// Always `true`: this broker is never down (see `BrokerOutage`).
    public var isConnected: Bool { true }

    /// Stores the message in the queue named by its routing key; throws `unroutable` when there
    /// is no such queue (nothing is stored).
    public func publish(_ message: OutboundMessage) async throws(AMQPError) {
        if let e = store(message) { throw e }
    }

    /// Stores each message as `publish(_:)` does; like the real publisher, every message is
    /// tried and the first failure is thrown.
    public func publish(_ messages: [OutboundMessage]) async throws(AMQPError) {
        var first: AMQPError? = nil
        for m in messages {
            if let e = store(m), first == nil { first = e }
        }
        if let first { throw first }
    }

    private func store(_ m: OutboundMessage) -> AMQPError? {
        state.withLock { s -> AMQPError? in
            guard s.queues[m.routingKey] != nil else {
                return AMQPError.unroutable("NO_ROUTE: exchange \(m.exchange), routing key \(m.routingKey)")
            }
            s.nextSerial += 1
            s.queues[m.routingKey]!.append(
                Message(
                    serial: s.nextSerial, routingKey: m.routingKey, body: m.body, headers: m.headers,
                    messageID: m.messageID, redelivered: false))
            return nil
        }
    }

    /// The ready messages of `queue`, oldest first (not the ones handed out and unsettled).
    public func messages(in queue: String) -> [Message] { state.withLock { $0.queues[queue] ?? [] } }

    /// Deliveries of `queue` handed out and not settled yet.
    public func unackedCount(in queue: String) -> Int { state.withLock { s in s.unacked.values.filter { $0.queue == queue }.count } }

    /// Every settlement so far, in order.
    public var settlements: [SettlementRecord] { state.withLock { $0.settlements } }

    /// Settlements a real broker would have refused (unknown or already settled tags).
    public var protocolErrors: [String] { state.withLock { $0.protocolErrors } }

    /// Simulates the delay queues' TTL: moves every message waiting in `<q>.delay.<d>` to the
    /// end of `<q>`, as the broker dead-letters it back. Returns how many moved.
    @discardableResult
    public func releaseDelayed() -> Int {
        state.withLock { s in
            var moved = 0
            for name in s.queues.keys.sorted() {
                guard let range = name.range(of: ".delay.") else { continue }
                let origin = String(name[..<range.lowerBound])
                guard s.queues[origin] != nil else { continue }
                let waiting = s.queues[name]!
                s.queues[name] = []
                for var m in waiting {
                    m.routingKey = origin
                    s.queues[origin]!.append(m)
                }
                moved += waiting.count
            }
            return moved
        }
    }

    /// A consumer of `queue` (see `InMemoryConsumer`).
    public func consumer(of queue: String) -> InMemoryConsumer { InMemoryConsumer(broker: self, queue: queue) }

    /// Hands out up to `max` ready messages of `queue` not in `skipping` (serials), front
    /// first, with their serials.
    func take(_ queue: String, max: Int, skipping: Set<UInt64>) -> [(delivery: Delivery, serial: UInt64)] {
        state.withLock { s in
            guard var ready = s.queues[queue] else { return [] }
            var out: [(delivery: Delivery, serial: UInt64)] = []
            var i = 0
            while i < ready.count && out.count < max {
                if skipping.contains(ready[i].serial) { i += 1; continue }
                let m = ready.remove(at: i)
                s.nextTag += 1
                s.unacked[s.nextTag] = (queue, m)
                out.append(
                    (
                        Delivery(
                            deliveryTag: s.nextTag, generation: 0, exchange: "", routingKey: m.routingKey, redelivered: m.redelivered,
                            body: m.body, headers: m.headers, messageID: m.messageID), m.serial
                    ))
            }
            s.queues[queue] = ready
            return out
        }
    }

    /// Settles a delivery: ack forgets it, requeue puts it back at the head of its queue.
    func settle(_ d: Delivery, _ how: Settlement) {
        state.withLock { s in
            guard let (queue, m) = s.unacked.removeValue(forKey: d.deliveryTag) else {
                s.protocolErrors.append("\(how.rawValue) of unknown delivery tag \(d.deliveryTag) (message \(d.messageID ?? "?"))")
                return
            }
            s.settlements.append(SettlementRecord(queue: queue, messageID: m.messageID, how: how))
            if how == .requeue {
                var back = m
                back.redelivered = true
                s.queues[queue, default: []].insert(back, at: 0)
            }
        }
    }
}
