import Foundation
internal import CMicroHTTPD

/// Per-request state, retained from the first access-handler call until libmicrohttpd's
/// completion callback (which also runs for aborted uploads, so nothing leaks). Guarded by
/// `lock` where the handler's responder (any thread) meets libmicrohttpd's threads.
final class RequestState: @unchecked Sendable {
    var body: [UInt8] = []
    var tooLarge = false
    var dispatched = false
    let lock = NSLock()
    var response: HTTPResponse?
    var suspended = false
    /// Set by the completion callback: the connection may be freed, never resume it after this.
    var closed = false
    /// Delivers the response once; `false` if already answered or the connection is gone.
    var respond: (@Sendable (HTTPResponse) -> Bool)?
}

private func key(_ c: OpaquePointer) -> Int { Int(bitPattern: UnsafeRawPointer(c)) }

let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, conCls in
    guard let cls, let connection, let conCls, let uploadSize else { return .NO }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()

    // First call for this request: create its state; nothing to read yet.
    guard let raw = conCls.pointee else {
        let state = RequestState()
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        server.openRequests.add(1, ordering: .relaxed)
        if let len = header(connection, "Content-Length").flatMap(Int.init), len > server.maxBodyBytes {
            // Refuse before reading the body: libmicrohttpd skips the upload and closes.
            state.tooLarge = true
            state.dispatched = true
            server.watchdog.busy(key(connection))
            server.onEvent?(.bodyTooLarge)
            return queue(.error(413, "request body exceeds the limit of \(server.maxBodyBytes) bytes"), on: connection, server)
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
        // Called again after a resume.
        state.lock.unlock()
        server.suspended.subtract(1, ordering: .releasing)
        return queue(response, on: connection, server)
    }
    if state.dispatched {
        // Resumed without a response yet (cannot happen: resume follows the response).
        state.lock.unlock()
        return .YES
    }
    state.dispatched = true
    state.lock.unlock()
    // From here the request is the handler's: the watchdog no longer times it.
    server.watchdog.busy(key(connection))

    if state.tooLarge {
        server.onEvent?(.bodyTooLarge)
        return queue(.error(413, "request body exceeds the limit of \(server.maxBodyBytes) bytes"), on: connection, server)
    }
    let fullPath = url.map { String(cString: $0) } ?? "/"
    var request = HTTPRequest(method: method.map { String(cString: $0) } ?? "GET", path: fullPath, body: state.body)
    request.headers = values(connection, kind: .HEADER_KIND, lowercase: true)
    request.queryPairs = pairs(connection, kind: .GET_ARGUMENT_KIND)
    request.query = Dictionary(request.queryPairs, uniquingKeysWith: { _, last in last })
    state.body = []

    struct Conn: @unchecked Sendable { let p: OpaquePointer }
    let conn = Conn(p: connection)
    let respond: @Sendable (HTTPResponse) -> Bool = { response in
        state.lock.lock()
        guard state.response == nil, !state.closed else { state.lock.unlock(); return false }
        state.response = response
        let resume = state.suspended
        state.suspended = false
        // After MHD_stop_daemon the connection is gone: never touch it then.
        if resume && !server.stopped.load(ordering: .acquiring) { MHD_resume_connection(conn.p) }
        state.lock.unlock()
        server.untrack(state)
        return true
    }
    state.respond = respond
    server.track(state)
    server.handler(request) { _ = respond($0) }

    state.lock.lock()
    if let response = state.response {
        state.lock.unlock()
        return queue(response, on: connection, server)
    }
    // Park the connection; the responder resumes it. No server thread waits meanwhile.
    state.suspended = true
    server.suspended.add(1, ordering: .relaxed)
    MHD_suspend_connection(connection)
    state.lock.unlock()
    return .YES
}

let requestCompleted: MHD_RequestCompletedCallback = { cls, connection, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    let state = Unmanaged<RequestState>.fromOpaque(raw).takeRetainedValue()
    conCls.pointee = nil
    state.lock.lock()
    state.closed = true
    state.respond = nil  // breaks the state → closure → state cycle
    state.lock.unlock()
    server.untrack(state)
    if let connection { server.watchdog.idle(key(connection)) }
    server.openRequests.subtract(1, ordering: .releasing)
}

let connectionNotify: MHD_NotifyConnectionCallback = { cls, connection, _, code in
    guard let cls, let connection else { return }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    switch code {
    case .CONNECTION_NOTIFY_STARTED: server.watchdog.opened(key(connection), fd: mhdx_connection_fd(connection))
    case .CONNECTION_NOTIFY_CLOSED: server.watchdog.closed(key(connection))
    default: break
    }
}

private func queue(_ r: HTTPResponse, on connection: OpaquePointer, _ server: ServerContext) -> MHD_Result {
    let response: OpaquePointer? = r.body.withUnsafeBytes { buf in
        // MUST_COPY: the Swift array's memory is not ours to lend past this call.
        MHD_create_response_from_buffer(buf.count, UnsafeMutableRawPointer(mutating: buf.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let response else { return .NO }
    // The handler is done: the clock runs again while the response is sent.
    server.watchdog.idle(key(connection))
    for (k, v) in r.headers { _ = MHD_add_response_header(response, k, v) }
    // Draining: tell keep-alive clients to reconnect (to another replica) for their next request.
    if server.draining.load(ordering: .relaxed) { _ = MHD_add_response_header(response, "Connection", "close") }
    let rc = MHD_queue_response(connection, UInt32(r.status), response)
    MHD_destroy_response(response)
    return rc
}

private func header(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

private final class ValueBox {
    var pairs: [(String, String)] = []
}

/// Every value of `kind`, in the order libmicrohttpd holds them (the request's), repeats kept.
private func pairs(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(String, String)] {
    let box = ValueBox()
    _ = MHD_get_connection_values(
        connection, kind,
        { cls, _, key, value in
            guard let cls, let key else { return .YES }
            let box = Unmanaged<ValueBox>.fromOpaque(cls).takeUnretainedValue()
            box.pairs.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, Unmanaged.passUnretained(box).toOpaque())
    return box.pairs
}

/// Every value of `kind` by name (`lowercase`: names lower-cased); a repeated name keeps its last value.
private func values(_ connection: OpaquePointer, kind: MHD_ValueKind, lowercase: Bool) -> [String: String] {
    Dictionary(pairs(connection, kind: kind).map { (lowercase ? $0.0.lowercased() : $0.0, $0.1) }, uniquingKeysWith: { _, last in last })
}
