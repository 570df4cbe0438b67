import Foundation
import Synchronization
internal import CRabbitMQ

/// Publishes persistent messages with publisher confirms from any thread or task, batching
/// confirms: one dedicated thread owns the connection, keeps up to `window` publishes awaiting
/// their confirm, and resumes each caller when the broker's (possibly multiple) ack covers it.
///
/// Every message is published `mandatory`: a confirm counts only when a queue took the message.
/// `publish` returns only after the broker confirmed the message; it throws `AMQPError` when the
/// broker is unreachable (`isUnavailable`), nacks, returns it (`isUnroutable`: no queue is bound
/// to its routing key, nothing was stored), or does not confirm within `confirmTimeout`.
public final class Publisher: Sendable {
    public struct Configuration: Sendable {
        public var url: AMQPURL
        public var window: Int
        public var heartbeatSeconds: Int
        public var confirmTimeoutMillis: Int64
        /// Runs on the publisher thread after each (re)connect, before any publish: declare the
        /// topology here.
        public var onConnect: (@Sendable (AMQPConnection) throws -> Void)?

        public init(
            url: AMQPURL, window: Int = 512, heartbeatSeconds: Int = 30, confirmTimeoutMillis: Int64 = 10_000,
            onConnect: (@Sendable (AMQPConnection) throws -> Void)? = nil
        ) {
            self.url = url
            self.window = window
            self.heartbeatSeconds = heartbeatSeconds
            self.confirmTimeoutMillis = confirmTimeoutMillis
            self.onConnect = onConnect
        }
    }

    private struct Pending: @unchecked Sendable {
        let message: OutboundMessage
        let deadline: UInt64
        let completion: (Result<Void, AMQPError>) -> Void
    }

    private struct State {
        var queue: [Pending] = []
        var stopping = false
        var connected = false
        var lastError: AMQPError? = nil
    }

    private let config: Configuration
    private let state = Mutex(State())
    private let wakeup = Wakeup()
    /// True while the publisher thread is about to sleep in poll(): only then does `enqueue` pay
    /// for a wake-up write (one syscall per publish otherwise, at tens of thousands a second).
    private let sleeping = Atomic<Bool>(false)
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let done = Atomic<Bool>(false)
    /// Observes publish-to-confirm latency in seconds (metrics).
    public let onConfirmLatency: (@Sendable (Double) -> Void)?

    /// Connection events for logging: connected, cannot connect (with the reason), lost.
    private let onEvent: (@Sendable (String) -> Void)?
    /// A publish came back unroutable (no queue took it), with the broker's reason (metrics).
    private let onReturned: (@Sendable (String) -> Void)?

    public init(
        _ config: Configuration, onConfirmLatency: (@Sendable (Double) -> Void)? = nil,
        onEvent: (@Sendable (String) -> Void)? = nil, onReturned: (@Sendable (String) -> Void)? = nil
    ) {
        self.config = config
        self.onConfirmLatency = onConfirmLatency
        self.onEvent = onEvent
        self.onReturned = onReturned
        let t = Thread { [self] in self.run() }
        t.name = "amqp-publisher"
        t.start()
    }

    /// `true` while connected to the broker.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Publishes and waits for the broker's confirm.
    public func publish(_ message: OutboundMessage) async throws(AMQPError) {
        let result: Result<Void, AMQPError> = await withCheckedContinuation { c in
            enqueue(message) { c.resume(returning: $0) }
        }
        try result.get()
    }

    /// Publishes several messages; returns when all are confirmed (throws the first failure).
    public func publish(_ messages: [OutboundMessage]) async throws(AMQPError) {
        if messages.isEmpty { return }
        let results: [Result<Void, AMQPError>] = await withCheckedContinuation { c in
            let box = Mutex((remaining: messages.count, results: [Result<Void, AMQPError>](repeating: .success(()), count: messages.count)))
            for (i, m) in messages.enumerated() {
                enqueue(m) { r in
                    let all: [Result<Void, AMQPError>]? = box.withLock { b in
                        b.results[i] = r
                        b.remaining -= 1
                        return b.remaining == 0 ? b.results : nil
                    }
                    if let all { c.resume(returning: all) }
                }
            }
        }
        for r in results { try r.get() }
    }

    /// Queues a publish; `completion` runs on the publisher thread once confirmed or failed.
    public func enqueue(_ message: OutboundMessage, completion: @escaping @Sendable (Result<Void, AMQPError>) -> Void) {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(config.confirmTimeoutMillis) * 1_000_000
        let rejected: AMQPError? = state.withLock { s in
            if s.stopping { return AMQPError(.shuttingDown) }
            // While disconnected, fail fast: the caller answers 503 or leaves its message unacked.
            if !s.connected, let e = s.lastError { return e }
            s.queue.append(Pending(message: message, deadline: deadline, completion: completion))
            return nil
        }
        if let rejected { completion(.failure(rejected)) } else if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wakeup.signal() }
    }

    /// Stops after confirming what is queued (or failing it at its deadline).
    public func shutdown() async {
        state.withLock { $0.stopping = true }
        sleeping.store(false, ordering: .sequentiallyConsistent)
        wakeup.signal()
        if done.load(ordering: .acquiring) { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            finished.withLock { $0 = c }
            if done.load(ordering: .acquiring),
                let c = finished.withLock({ f -> CheckedContinuation<Void, Never>? in
                    defer { f = nil }; return f
                })
            {
                c.resume()
            }
        }
    }

    // MARK: Publisher thread

    private func run() {
        var backoff = Backoff()
        while true {
            if state.withLock({ $0.stopping && $0.queue.isEmpty }) { break }
            let conn: AMQPConnection
            do {
                conn = try AMQPConnection(url: config.url, heartbeatSeconds: config.heartbeatSeconds)
                try conn.confirmSelect()
                try config.onConnect?(conn)
                state.withLock { s in
                    s.connected = true; s.lastError = nil
                }
                onEvent?("publisher connected to \(config.url)")
                backoff.reset()
            } catch {
                let e = (error as? AMQPError) ?? AMQPError(.library("\(error)"))
                let failed = state.withLock { s -> [Pending] in
                    s.connected = false
                    s.lastError = e
                    defer { s.queue.removeAll() }
                    return s.queue
                }
                failed.forEach { $0.completion(.failure(e)) }
                onEvent?("publisher cannot use the broker at \(config.url): \(e)")
                if state.withLock({ $0.stopping }) { break }
                usleep(backoff.next() * 1000)
                continue
            }
            let e = serve(conn)
            conn.abandon()
            state.withLock { s in
                s.connected = false; s.lastError = e
            }
            if !e.isShuttingDown { onEvent?("publisher lost the broker: \(e)") }
            if state.withLock({ $0.stopping }) { break }
        }
        done.store(true, ordering: .releasing)
        finished.withLock { f in
            f?.resume(); f = nil
        }
    }

    private struct InFlight {
        let pending: Pending
        let sentAt: UInt64
    }

    /// Publishes (mandatory, so a message no queue takes comes back) and collects confirms until
    /// the connection fails; returns the failure.
    private func serve(_ conn: AMQPConnection) -> AMQPError {
        var book = ConfirmBook<InFlight>()
        // A returned message means a queue or binding is missing (`klaxonctl topology delete`, an
        // operator's mistake): declare the topology again once nothing awaits a confirm (a
        // declare is an RPC and must not interleave with confirms), at most once a second.
        var redeclare = false
        var lastDeclared = DispatchTime.now().uptimeNanoseconds
        func failAll(_ e: AMQPError) -> AMQPError {
            for f in book.reset() { f.pending.completion(.failure(e)) }
            return e
        }
        while true {
            if redeclare && book.outstanding == 0 {
                redeclare = false
                if DispatchTime.now().uptimeNanoseconds - lastDeclared > 1_000_000_000 {
                    lastDeclared = DispatchTime.now().uptimeNanoseconds
                    do { try config.onConnect?(conn) } catch {
                        return failAll((error as? AMQPError) ?? AMQPError(.library("declare after a return: \(error)")))
                    }
                    onEvent?("publisher declared the topology again after a returned message")
                }
            }
            // Publish what is waiting, up to the window (nothing new while a declare is due).
            let room = redeclare ? 0 : config.window - book.outstanding
            if room > 0 {
                let batch = state.withLock { s -> ArraySlice<Pending> in
                    let n = min(room, s.queue.count)
                    defer { s.queue.removeFirst(n) }
                    return s.queue.prefix(n)
                }
                let now = DispatchTime.now().uptimeNanoseconds
                for p in batch {
                    do { try conn.publish(p.message, mandatory: true, correlationID: String(book.nextTag)) } catch {
                        p.completion(.failure(error))
                        state.withLock { s in
                            s.queue.forEach { $0.completion(.failure(error)) }; s.queue.removeAll()
                        }
                        return failAll(error)
                    }
                    _ = book.sent(InFlight(pending: p, sentAt: now))
                }
            }
            let outstanding = book.outstanding
            if outstanding == 0 {
                if state.withLock({ $0.stopping && $0.queue.isEmpty }) { return AMQPError(.shuttingDown) }
                if redeclare || state.withLock({ !$0.queue.isEmpty }) { continue }
            }
            // Wait for confirms, new work, or the earliest deadline.
            if !conn.hasBufferedInput {
                // Announce the sleep, then look once more: an enqueue either sees the flag and
                // signals, or its message is already visible here (no lost wake-up).
                sleeping.store(true, ordering: .sequentiallyConsistent)
                let idle = redeclare || state.withLock { s in s.queue.isEmpty && !s.stopping } || outstanding >= config.window
                if idle { _ = wakeup.wait(socket: conn.socketFD, timeoutMillis: outstanding > 0 ? 50 : 1000) }
                sleeping.store(false, ordering: .sequentiallyConsistent)
            }
            // Read every frame that is available now.
            while true {
                var frame = amqp_frame_t()
                var zero = timeval(tv_sec: 0, tv_usec: 0)
                let rc = amqp_simple_wait_frame_noblock(conn.state, &frame, &zero)
                if rc == AMQP_STATUS_TIMEOUT.rawValue { break }
                if rc != AMQP_STATUS_OK.rawValue {
                    return failAll(AMQPError(.unreachable("connection lost: \(String(cString: amqp_error_string2(rc)))")))
                }
                guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { continue }
                let method = frame.payload.method
                switch method.id {
                case AMQP_BASIC_RETURN_METHOD:
                    // Comes before the message's own ack, which then settles it as returned.
                    let returned: (reason: String, correlationID: String?)
                    do { returned = try conn.readReturn(method) } catch { return failAll(error) }
                    onReturned?(returned.reason)
                    redeclare = true
                    guard let tag = returned.correlationID.flatMap({ UInt64($0) }), book.returned(tag: tag, reason: returned.reason) else {
                        // Cannot tell which publish came back: fail them all rather than confirm a lost one.
                        return failAll(AMQPError(.unroutable("\(returned.reason); unmatched return")))
                    }
                case AMQP_BASIC_ACK_METHOD, AMQP_BASIC_NACK_METHOD:
                    let isAck = method.id == AMQP_BASIC_ACK_METHOD
                    let (tag, multiple): (UInt64, Bool) =
                        isAck
                        ? {
                            let m = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee; return (m.delivery_tag, m.multiple != 0)
                        }()
                        : {
                            let m = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee; return (m.delivery_tag, m.multiple != 0)
                        }()
                    let settled = isAck ? book.ack(tag: tag, multiple: multiple) : book.nack(tag: tag, multiple: multiple)
                    let now = DispatchTime.now().uptimeNanoseconds
                    for (f, outcome) in settled {
                        switch outcome {
                        case .confirmed:
                            onConfirmLatency?(Double(now - f.sentAt) / 1e9)
                            f.pending.completion(.success(()))
                        case .nacked:
                            f.pending.completion(.failure(AMQPError(.nacked)))
                        case .returned(let reason):
                            f.pending.completion(.failure(AMQPError(.unroutable(reason))))
                        }
                    }
                case AMQP_CHANNEL_CLOSE_METHOD:
                    let m = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                    return failAll(AMQPError(.closedByBroker(code: Int(m.reply_code), text: m.reply_text.string)))
                case AMQP_CONNECTION_CLOSE_METHOD:
                    let m = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                    return failAll(AMQPError(.closedByBroker(code: Int(m.reply_code), text: m.reply_text.string)))
                default:
                    continue
                }
            }
            // Deadlines: the oldest unconfirmed message bounds everyone behind it.
            let now = DispatchTime.now().uptimeNanoseconds
            if let oldest = book.oldest, oldest.pending.deadline < now {
                // A broker that stops confirming is treated as lost: reconnect.
                return failAll(AMQPError(.confirmTimeout))
            }
            let expired = state.withLock { s -> [Pending] in
                let e = s.queue.filter { $0.deadline < now }
                if !e.isEmpty { s.queue.removeAll { $0.deadline < now } }
                return e
            }
            expired.forEach { $0.completion(.failure(AMQPError(.confirmTimeout))) }
        }
    }
}
