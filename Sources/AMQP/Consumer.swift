import Foundation
import Synchronization

/// Consumes one queue on a dedicated thread that owns its connection. Deliveries come out in
/// batches from `nextBatch`; the handler settles each with `ack`/`requeue` from any task. Acks are coalesced
/// into `multiple` acks where the settled tags form a prefix of what is outstanding.
///
/// On a connection failure the thread reconnects; deliveries of the old connection are void
/// (the broker requeues them) and settling them is a no-op.
public final class Consumer: Sendable {
    public struct Configuration: Sendable {
        public var url: AMQPURL
        public var queue: String
        public var prefetch: Int
        public var heartbeatSeconds: Int
        /// Runs after each (re)connect before consuming: declare the topology here.
        public var onConnect: (@Sendable (AMQPConnection) throws -> Void)?

        public init(
            url: AMQPURL, queue: String, prefetch: Int = 200, heartbeatSeconds: Int = 30,
            onConnect: (@Sendable (AMQPConnection) throws -> Void)? = nil
        ) {
            self.url = url
            self.queue = queue
            self.prefetch = prefetch
            self.heartbeatSeconds = heartbeatSeconds
            self.onConnect = onConnect
        }
    }

    private enum Settle: Sendable { case ack, requeue, drop }
    private struct State {
        var settled: [(tag: UInt64, generation: Int, how: Settle)] = []
        var stopping = false
        var consuming = false
        var lastError: String? = nil
        var inbox: [Delivery] = []
        var waiter: CheckedContinuation<[Delivery]?, Never>? = nil
        var finished = false
    }

    private let config: Configuration
    private let state = Mutex(State())
    private let wakeup = Wakeup()
    private let onEvent: (@Sendable (String) -> Void)?

    /// `onEvent` receives connection events for logging (connected, lost, reconnecting).
    public init(_ config: Configuration, onEvent: (@Sendable (String) -> Void)? = nil) {
        self.config = config
        self.onEvent = onEvent
        let t = Thread { [self] in self.run() }
        t.name = "amqp-consumer"
        t.start()
    }

    /// `true` while a consumer is registered with the broker.
    public var isConsuming: Bool { state.withLock { $0.consuming } }
    public var lastError: String? { state.withLock { $0.lastError } }

    /// The work for this delivery is done: remove it from the queue.
    public func ack(_ d: Delivery) { settle(d, .ack) }
    /// Give it back to the queue (shutdown before the work started).
    public func requeue(_ d: Delivery) { settle(d, .requeue) }

    private func settle(_ d: Delivery, _ how: Settle) {
        state.withLock { $0.settled.append((d.deliveryTag, d.generation, how)) }
        wakeup.signal()
    }

    /// Stops receiving new messages and gives back at once the deliveries not yet handed out
    /// (prefetched, waiting in the inbox: their work never started); keeps settling the ones
    /// handed out until they are all settled or `drainMillis` passed (the rest go back to the
    /// queue when the connection closes).
    ///
    /// Why give the waiting ones back: up to `prefetch` deliveries wait here, and behind a slow
    /// channel (an SMTP server answering in 2 s, 4 senders, prefetch 200) working through them
    /// took minutes, past the drain deadline (whose acks then went nowhere) and past a pod's
    /// grace period. They are `basic.nack`ed with requeue: "not processed", which RabbitMQ 4.3+
    /// does not count against a quorum queue's delivery limit (`basic.reject` would).
    public func stop(drainMillis: Int = 20_000) {
        // The deadline first: the thread reads it as soon as it sees `stopping`.
        drainDeadline.store(DispatchTime.now().uptimeNanoseconds + UInt64(drainMillis) * 1_000_000, ordering: .relaxed)
        state.withLock { s in
            s.stopping = true
            s.settled += s.inbox.map { ($0.deliveryTag, $0.generation, .requeue) }
            s.inbox.removeAll()
        }
        wakeup.signal()
    }
    private let drainDeadline = Atomic<UInt64>(0)

    // MARK: Consumer thread

    private func run() {
        var generation = 0
        var backoff = Backoff()
        while !state.withLock({ $0.stopping }) {
            generation += 1
            do {
                let conn = try AMQPConnection(url: config.url, heartbeatSeconds: config.heartbeatSeconds)
                try config.onConnect?(conn)
                try conn.qos(prefetch: config.prefetch)
                let tag = try conn.consume(queue: config.queue)
                state.withLock {
                    $0.consuming = true; $0.lastError = nil
                }
                onEvent?("consuming \(config.queue)")
                backoff.reset()
                let e = serve(conn, consumerTag: tag, generation: generation)
                state.withLock { $0.consuming = false }
                if let e {
                    state.withLock { $0.lastError = e.description }
                    onEvent?("connection lost: \(e)")
                    conn.abandon()
                    // Every consumer of the fleet lost it at once: do not come back in lock-step.
                    usleep(backoff.next() * 1000)
                } else {
                    conn.close()
                }
            } catch {
                state.withLock {
                    $0.consuming = false; $0.lastError = "\(error)"
                }
                onEvent?("cannot consume \(config.queue): \(error)")
                usleep(backoff.next() * 1000)
            }
        }
        let waiter = state.withLock { s -> CheckedContinuation<[Delivery]?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.inbox.isEmpty ? s.waiter : nil
        }
        waiter?.resume(returning: nil)
    }

    /// Waits for deliveries and returns up to `max` of them, in order; `nil` once the consumer
    /// has stopped and everything was handed out. One caller at a time.
    public func nextBatch(max: Int) async -> [Delivery]? {
        await withCheckedContinuation { (c: CheckedContinuation<[Delivery]?, Never>) in
            let ready: [Delivery]?? = state.withLock { s in
                if !s.inbox.isEmpty {
                    let n = Swift.min(max, s.inbox.count)
                    defer { s.inbox.removeFirst(n) }
                    return .some(Array(s.inbox.prefix(n)))
                }
                if s.finished { return .some(nil) }
                s.waiter = c
                return .none
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    private func hand(_ d: Delivery) {
        let waiter = state.withLock { s -> CheckedContinuation<[Delivery]?, Never>? in
            if s.stopping {
                // Arrived between `stop()` and the thread's basic.cancel: give it back too.
                s.settled.append((d.deliveryTag, d.generation, .requeue))
                return nil
            }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.inbox.append(d)
            return nil
        }
        waiter?.resume(returning: [d])
    }

    /// Consumes until stopped (returns nil) or the connection fails (returns the error).
    private func serve(_ conn: AMQPConnection, consumerTag: String, generation: Int) -> AMQPError? {
        var outstanding: [UInt64] = []  // delivered, not yet settled, ascending
        var cancelled = false
        while true {
            // Settle what handlers finished.
            let settled = state.withLock { s -> [(tag: UInt64, generation: Int, how: Settle)] in
                defer { s.settled.removeAll(keepingCapacity: true) }
                return s.settled
            }
            do {
                try apply(settled.filter { $0.generation == generation }, outstanding: &outstanding, conn: conn)
            } catch { return error }

            let stopping = state.withLock { $0.stopping }
            if stopping {
                if !cancelled {
                    try? conn.cancel(consumerTag: consumerTag)
                    cancelled = true
                }
                if outstanding.isEmpty || DispatchTime.now().uptimeNanoseconds > drainDeadline.load(ordering: .relaxed) {
                    return nil
                }
            }
            // Receive. With nothing buffered, sleep in poll() so a settle can wake us.
            // Either way the library is entered below at least once a second, which is what
            // services heartbeats.
            if !conn.hasBufferedInput {
                _ = wakeup.wait(socket: conn.socketFD, timeoutMillis: 1000)
            }
            do {
                // Drain every delivery available now.
                while let d = try conn.nextDelivery(timeoutMillis: 0, generation: generation) {
                    if cancelled {
                        // Arrived after the cancel: give it back at once.
                        try conn.nack(d.deliveryTag, requeue: true)
                        continue
                    }
                    outstanding.append(d.deliveryTag)
                    hand(d)
                    if !conn.hasBufferedInput { break }
                }
            } catch { return error }
        }
    }

    private func apply(_ settled: [(tag: UInt64, generation: Int, how: Settle)], outstanding: inout [UInt64], conn: AMQPConnection) throws(AMQPError)
    {
        if settled.isEmpty { return }
        var acks = Set<UInt64>()
        for s in settled {
            switch s.how {
            case .ack: acks.insert(s.tag)
            case .requeue, .drop:
                try conn.nack(s.tag, requeue: s.how == .requeue)
                outstanding.removeAll { $0 == s.tag }
            }
        }
        if acks.isEmpty { return }
        // The longest prefix of outstanding tags that are all acked goes in one multiple ack.
        var prefix = 0
        while prefix < outstanding.count, acks.contains(outstanding[prefix]) { prefix += 1 }
        if prefix > 0 {
            try conn.ack(outstanding[prefix - 1], multiple: prefix > 1)
            for t in outstanding[..<prefix] { acks.remove(t) }
            outstanding.removeFirst(prefix)
        }
        for t in acks.sorted() {
            try conn.ack(t)
            outstanding.removeAll { $0 == t }
        }
    }
}
