import Foundation
import Synchronization
internal import CMicroHTTPD

/// An HTTP/1.1 server on libmicrohttpd: its own polling threads (epoll), keep-alive, limits on
/// connections, request time and body size; handlers answer asynchronously by suspending the
/// connection until the responder is called, and `shutdown` drains what is in flight.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; read it back from `port`.
        public var port: Int
        public var threads: Int
        /// Connections beyond this are closed as soon as they are accepted.
        public var maxConnections: Int
        /// A connection must deliver each complete request (headers and body) within this many
        /// seconds of opening or of its previous response, and may not stall longer than this
        /// while its response is sent: slow senders (slowloris) cannot hold the server.
        public var idleTimeoutSeconds: Int
        public var maxBodyBytes: Int
        /// Told of what the server answers or cuts by itself, without the handler (metrics).
        /// Runs on a server thread: keep it short.
        public var onEvent: (@Sendable (Event) -> Void)?

        public init(
            host: String = "0.0.0.0", port: Int, threads: Int = 2, maxConnections: Int = 1024,
            idleTimeoutSeconds: Int = 30, maxBodyBytes: Int = 1 << 20, onEvent: (@Sendable (Event) -> Void)? = nil
        ) {
            self.host = host
            self.port = port
            self.threads = threads
            self.maxConnections = maxConnections
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.maxBodyBytes = maxBodyBytes
            self.onEvent = onEvent
        }
    }

    /// What the server does on its own, never seen by the handler.
    public enum Event: Sendable, Equatable {
        /// A request answered 413 because its body (declared or received) exceeds `maxBodyBytes`.
        case bodyTooLarge
        /// A request answered 503 by `shutdown` because its handler had not answered in time.
        case answeredAtShutdown
        /// A connection cut by the idle timeout: a slow sender, a keep-alive connection left
        /// idle for `idleTimeoutSeconds`, or a client that does not read its response.
        case connectionCut
    }

    public enum StartError: Error, CustomStringConvertible {
        case badAddress(String)
        case cannotListen(String)
        public var description: String {
            switch self {
            case .badAddress(let a): "cannot listen on \(a): not an IPv4 address"
            case .cannotListen(let a): "cannot listen on \(a) (port in use, or not permitted)"
            }
        }
    }

    private struct Daemon: @unchecked Sendable { let pointer: OpaquePointer }
    private let daemon: Mutex<Daemon?>
    let context: ServerContext
    private let watchdog: ConnectionWatchdog
    /// The port actually bound.
    public let port: Int

    public init(_ config: Configuration, handler: @escaping HTTPHandler) throws(StartError) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(config.port).bigEndian)
        let host = config.host == "localhost" ? "127.0.0.1" : config.host
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw .badAddress("\(config.host):\(config.port)") }

        let onEvent = config.onEvent
        let dog = ConnectionWatchdog(timeoutSeconds: config.idleTimeoutSeconds) { n in for _ in 0..<n { onEvent?(.connectionCut) } }
        let ctx = ServerContext(handler: handler, maxBodyBytes: config.maxBodyBytes, watchdog: dog, onEvent: onEvent)
        context = ctx
        watchdog = dog
        // ITC (already implied by suspend/resume) is what MHD_quiesce_daemon needs in this mode.
        let flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ITC.rawValue
        let opaque = Unmanaged.passUnretained(ctx).toOpaque()
        let started = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                // The watchdog enforces idleTimeoutSeconds (and reports each cut); libmicrohttpd's
                // own inactivity timeout is only a backstop, long enough never to win the race.
                mhdx_start(
                    flags, sa, accessHandler, opaque, requestCompleted, opaque, connectionNotify, opaque,
                    UInt32(max(1, config.threads)), UInt32(config.maxConnections),
                    0, UInt32(2 * max(1, config.idleTimeoutSeconds) + 5), 64 * 1024)
            }
        }
        guard let d = started else { dog.stop(); throw .cannotListen("\(config.host):\(config.port)") }
        daemon = Mutex(Daemon(pointer: d))
        port = Int(mhdx_bound_port(d))
        dog.start()
    }

    /// Requests received and not yet answered in full (including those waiting for their handler).
    public var openRequests: Int { context.openRequests.load(ordering: .relaxed) }

    /// Graceful stop: closes the listening socket (new connections are refused), answers with
    /// `Connection: close` from now on, waits up to `drainSeconds` for every open request (and
    /// every request already sent on an accepted connection) to be answered, then answers the
    /// stragglers with 503 and stops. Blocks the caller; safe to call
    /// more than once. Returns the number of requests it had to cut with a 503.
    @discardableResult
    public func shutdown(drainSeconds: Double) -> Int {
        guard let d = daemon.withLock({ d in d }) else { return 0 }
        context.draining.store(true, ordering: .releasing)
        // Stop accepting. MHD returns the listening socket, ours to close, but only after
        // MHD_stop_daemon (a pool thread may still hold it). Shutting it down now makes the
        // kernel refuse new connections at once instead of queueing them in the backlog.
        let listenFD = MHD_quiesce_daemon(d.pointer)
        if listenFD >= 0 { _ = Glibc.shutdown(listenFD, Int32(SHUT_RDWR)) }
        // Done when no request is open and no accepted connection holds unread bytes (a request
        // sent just before the shutdown that libmicrohttpd has not parsed yet), twice 50 ms
        // apart: between libmicrohttpd's read of a request and its first call to the handler,
        // the bytes are neither unread nor an open request.
        let deadline = Date().addingTimeInterval(drainSeconds)
        let quiet = { self.context.openRequests.load(ordering: .acquiring) == 0 && !self.watchdog.anyUnreadInput() }
        waitUntil(deadline) {
            quiet()
                && {
                    usleep(50_000); return quiet()
                }()
        }
        // A request that surfaced after all still gets its answer, up to the deadline.
        waitUntil(deadline) { self.context.openRequests.load(ordering: .acquiring) == 0 }
        // Whatever is still waiting for its handler gets a 503 now, so no connection stays
        // suspended: libmicrohttpd must not be stopped with parked connections.
        let cut = context.answerPending(.error(503, "server shutting down; retry", headers: [("Retry-After", "1")]))
        for _ in 0..<cut { context.onEvent?(.answeredAtShutdown) }
        waitUntil(Date().addingTimeInterval(2)) {
            self.context.suspended.load(ordering: .acquiring) == 0 && self.context.openRequests.load(ordering: .acquiring) == 0
        }
        stop()
        if listenFD >= 0 { close(listenFD) }
        return cut
    }

    /// Stops at once and closes every connection (requests in flight are cut; see `shutdown`).
    public func stop() {
        let d = daemon.withLock { d -> Daemon? in
            defer { d = nil }; return d
        }
        guard let d else { return }
        context.stopped.store(true, ordering: .releasing)
        watchdog.stop()
        MHD_stop_daemon(d.pointer)
    }

    deinit { stop() }

    private func waitUntil(_ deadline: Date, _ condition: () -> Bool) {
        while !condition() && Date() < deadline { usleep(5_000) }
    }
}

/// Shared by every connection of one server; passed to C as an unretained pointer (the server
/// keeps it alive until after `MHD_stop_daemon`, the last moment a callback can run).
final class ServerContext: Sendable {
    let handler: HTTPHandler
    let maxBodyBytes: Int
    let watchdog: ConnectionWatchdog
    let onEvent: (@Sendable (HTTPServer.Event) -> Void)?
    /// Requests whose state exists (first access-handler call) and whose completion callback has
    /// not run yet.
    let openRequests = Atomic<Int>(0)
    /// Connections parked waiting for a handler's response.
    let suspended = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
    let stopped = Atomic<Bool>(false)
    /// Requests handed to the handler and not answered yet (for `shutdown`).
    private let pending = Mutex<[ObjectIdentifier: RequestState]>([:])

    init(handler: @escaping HTTPHandler, maxBodyBytes: Int, watchdog: ConnectionWatchdog, onEvent: (@Sendable (HTTPServer.Event) -> Void)?) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.watchdog = watchdog
        self.onEvent = onEvent
    }

    func track(_ s: RequestState) { pending.withLock { $0[ObjectIdentifier(s)] = s } }
    func untrack(_ s: RequestState) { _ = pending.withLock { $0.removeValue(forKey: ObjectIdentifier(s)) } }

    /// Answers every request still waiting for its handler; returns how many.
    func answerPending(_ response: HTTPResponse) -> Int {
        let all = pending.withLock { p in
            defer { p.removeAll() }; return Array(p.values)
        }
        var n = 0
        for s in all where s.respond?(response) == true { n += 1 }
        return n
    }
}
