import Foundation
import Synchronization
internal import CMicroHTTPD

/// An HTTP/1.1 server on libmicrohttpd: its own polling threads (epoll), keep-alive, limits on
/// connections, idle time and body size; handlers answer asynchronously by suspending the
/// connection until the responder is called.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; read it back from `port`.
        public var port: Int
        public var threads: Int
        public var maxConnections: Int
        /// Closes a connection idle (or trickling its request) this long: slow senders cannot
        /// hold the server.
        public var idleTimeoutSeconds: Int
        public var maxBodyBytes: Int

        public init(host: String = "0.0.0.0", port: Int, threads: Int = 2, maxConnections: Int = 1024,
                    idleTimeoutSeconds: Int = 30, maxBodyBytes: Int = 1 << 20) {
            self.host = host
            self.port = port
            self.threads = threads
            self.maxConnections = maxConnections
            self.idleTimeoutSeconds = idleTimeoutSeconds
            self.maxBodyBytes = maxBodyBytes
        }
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
    /// The port actually bound.
    public let port: Int

    public init(_ config: Configuration, handler: @escaping HTTPHandler) throws(StartError) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(config.port).bigEndian)
        let host = config.host == "localhost" ? "127.0.0.1" : config.host
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw .badAddress("\(config.host):\(config.port)") }

        let ctx = ServerContext(handler: handler, maxBodyBytes: config.maxBodyBytes)
        context = ctx
        let flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        let started = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                mhdx_start(flags, sa, accessHandler, Unmanaged.passUnretained(ctx).toOpaque(),
                           requestCompleted, nil, UInt32(max(1, config.threads)), UInt32(config.maxConnections),
                           0, UInt32(config.idleTimeoutSeconds), 64 * 1024)
            }
        }
        guard let d = started else { throw .cannotListen("\(config.host):\(config.port)") }
        daemon = Mutex(Daemon(pointer: d))
        port = Int(mhdx_bound_port(d))
    }

    /// Stops listening and closes every connection.
    public func stop() {
        let d = daemon.withLock { d -> Daemon? in defer { d = nil }; return d }
        if let d { MHD_stop_daemon(d.pointer) }
    }

    deinit { stop() }
}

/// Shared by every connection of one server; passed to C as an unretained pointer (the server
/// keeps it alive).
final class ServerContext: Sendable {
    let handler: HTTPHandler
    let maxBodyBytes: Int
    init(handler: @escaping HTTPHandler, maxBodyBytes: Int) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Per-request state, retained from the first access-handler call until libmicrohttpd's
/// completion callback (which also runs for aborted uploads, so nothing leaks).
final class RequestState: @unchecked Sendable {
    var body: [UInt8] = []
    var tooLarge = false
    var dispatched = false
    let lock = NSLock()
    var response: HTTPResponse?
    var suspended = false
}

private let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let uploadSize else { return .NO }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()

    // First call for this request: create its state; nothing to read yet.
    guard let raw = conCls.pointee else {
        let state = RequestState()
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        if let len = header(connection, "Content-Length").flatMap(Int.init), len > server.maxBodyBytes {
            // Refuse before reading the body: libmicrohttpd skips the upload and closes.
            state.tooLarge = true
            state.dispatched = true
            return queue(.error(413, "request body exceeds the limit of \(server.maxBodyBytes) bytes"), on: connection)
        }
        return .YES
    }
    let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()

    // Body data: consume it all (libmicrohttpd calls again until the size is 0).
    if uploadSize.pointee > 0 {
        let n = uploadSize.pointee
        if !state.tooLarge {
            if state.body.count + n > server.maxBodyBytes {
                state.tooLarge = true
                state.body = []
            } else if let uploadData {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: n) { state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
            }
        }
        uploadSize.pointee = 0
        return .YES
    }

    // The request is complete: answer, now or after the handler responds.
    state.lock.lock()
    if let response = state.response {
        state.lock.unlock()
        return queue(response, on: connection)
    }
    if state.dispatched {
        // Resumed without a response yet (cannot happen: resume follows the response).
        state.lock.unlock()
        return .YES
    }
    state.dispatched = true
    state.lock.unlock()

    if state.tooLarge {
        return queue(.error(413, "request body exceeds the limit of \(server.maxBodyBytes) bytes"), on: connection)
    }
    let fullPath = url.map { String(cString: $0) } ?? "/"
    var request = HTTPRequest(method: method.map { String(cString: $0) } ?? "GET", path: fullPath, body: state.body)
    request.headers = values(connection, kind: .HEADER_KIND, lowercase: true)
    request.query = values(connection, kind: .GET_ARGUMENT_KIND, lowercase: false)
    state.body = []

    struct Conn: @unchecked Sendable { let p: OpaquePointer }
    let conn = Conn(p: connection)
    server.handler(request) { response in
        state.lock.lock()
        guard state.response == nil else { state.lock.unlock(); return }
        state.response = response
        let resume = state.suspended
        state.suspended = false
        if resume { MHD_resume_connection(conn.p) }
        state.lock.unlock()
    }

    state.lock.lock()
    if let response = state.response {
        state.lock.unlock()
        return queue(response, on: connection)
    }
    // Park the connection; the responder resumes it. No server thread waits meanwhile.
    state.suspended = true
    MHD_suspend_connection(connection)
    state.lock.unlock()
    return .YES
}

private let requestCompleted: MHD_RequestCompletedCallback = { _, _, conCls, _ in
    guard let conCls, let raw = conCls.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(raw).release()
    conCls.pointee = nil
}

private func queue(_ r: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    let response: OpaquePointer? = r.body.withUnsafeBytes { buf in
        // MUST_COPY: the Swift array's memory is not ours to lend past this call.
        MHD_create_response_from_buffer(buf.count, UnsafeMutableRawPointer(mutating: buf.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let response else { return .NO }
    for (k, v) in r.headers { _ = MHD_add_response_header(response, k, v) }
    let rc = MHD_queue_response(connection, UInt32(r.status), response)
    MHD_destroy_response(response)
    return rc
}

private func header(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

private final class ValueBox {
    var values: [String: String] = [:]
    let lowercase: Bool
    init(lowercase: Bool) { self.lowercase = lowercase }
}

private func values(_ connection: OpaquePointer, kind: MHD_ValueKind, lowercase: Bool) -> [String: String] {
    let box = ValueBox(lowercase: lowercase)
    _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
        guard let cls, let key else { return .YES }
        let box = Unmanaged<ValueBox>.fromOpaque(cls).takeUnretainedValue()
        let k = String(cString: key)
        box.values[box.lowercase ? k.lowercased() : k] = value.map { String(cString: $0) } ?? ""
        return .YES
    }, Unmanaged.passUnretained(box).toOpaque())
    return box.values
}
