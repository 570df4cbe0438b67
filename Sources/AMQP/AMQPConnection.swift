import Foundation
internal import CRabbitMQ

/// One AMQP connection with one channel, owned by exactly one thread (librabbitmq is not
/// thread-safe). `Publisher` and `Consumer` each own one on their own thread; `klaxonctl` uses
/// one directly.
public final class AMQPConnection {
    let state: amqp_connection_state_t
    let channel: amqp_channel_t = 1
    public let url: AMQPURL
    private var closed = false

    /// Connects, logs in and opens channel 1. `heartbeatSeconds` 0 disables heartbeats.
    public init(url: AMQPURL, heartbeatSeconds: Int = 30, connectTimeoutMillis: Int = 5000) throws(AMQPError) {
        self.url = url
        guard let state = amqp_new_connection() else { throw AMQPError(.library("amqp_new_connection failed")) }
        self.state = state
        // From here on every stored property is set, so a throw runs deinit: failures go through
        // abandon(), which marks the connection closed before destroying it (no double free).
        guard let socket = url.tls ? amqp_ssl_socket_new(state) : amqp_tcp_socket_new(state) else {
            abandon()
            throw AMQPError(.library("cannot create a \(url.tls ? "TLS" : "TCP") socket"))
        }
        if url.tls {
            amqp_ssl_socket_set_verify_peer(socket, 1)
            amqp_ssl_socket_set_verify_hostname(socket, 1)
            let bundle = ProcessInfo.processInfo.environment["KLAXON_AMQP_CA_FILE"] ?? "/etc/ssl/certs/ca-certificates.crt"
            if amqp_ssl_socket_set_cacert(socket, bundle) != AMQP_STATUS_OK.rawValue {
                abandon()
                throw AMQPError(.unreachable("cannot read the CA bundle \(bundle) for amqps"))
            }
        }
        var timeout = timeval(tv_sec: connectTimeoutMillis / 1000, tv_usec: Int((connectTimeoutMillis % 1000) * 1000))
        let rc = amqp_socket_open_noblock(socket, url.host, Int32(url.port), &timeout)
        if rc != AMQP_STATUS_OK.rawValue {
            abandon()
            throw AMQPError(.unreachable("cannot connect to \(url.host):\(url.port): \(String(cString: amqp_error_string2(rc)))"))
        }
        let login = amqpx_login_plain(state, url.vhost, 0, 131_072, Int32(heartbeatSeconds), url.user, url.password)
        if let e = AMQPConnection.error(login, doing: "login as \(url.user) to vhost \(url.vhost)") {
            abandon()
            throw e.isUnavailable ? e : AMQPError(.unreachable(e.description))
        }
        amqp_channel_open(state, channel)
        if let e = AMQPConnection.error(amqp_get_rpc_reply(state), doing: "open channel") {
            abandon()
            throw e
        }
    }

    deinit { close() }

    /// Closes politely; errors are ignored (the socket may already be gone).
    public func close() {
        guard !closed else { return }
        closed = true
        _ = amqp_channel_close(state, channel, Int32(AMQP_REPLY_SUCCESS))
        _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
        amqp_destroy_connection(state)
    }

    /// Drops the connection without the close handshake (after a socket error).
    func abandon() {
        guard !closed else { return }
        closed = true
        amqp_destroy_connection(state)
    }

    var socketFD: Int32 { amqp_get_sockfd(state) }

    /// `true` when librabbitmq already holds unread bytes or frames (poll would not see them).
    var hasBufferedInput: Bool { amqp_data_in_buffer(state) != 0 || amqp_frames_enqueued(state) != 0 }

    func check(_ doing: String) throws(AMQPError) {
        if let e = AMQPConnection.error(amqp_get_rpc_reply(state), doing: doing) { throw e }
    }

    /// Converts an RPC reply into an error once, here.
    static func error(_ r: amqp_rpc_reply_t, doing: String) -> AMQPError? {
        switch r.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return AMQPError(.library("\(doing): \(String(cString: amqp_error_string2(r.library_error)))"))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch r.reply.id {
            case AMQP_CONNECTION_CLOSE_METHOD:
                let m = r.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                return AMQPError(.closedByBroker(code: Int(m.reply_code), text: "\(doing): \(m.reply_text.string)"))
            case AMQP_CHANNEL_CLOSE_METHOD:
                let m = r.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return AMQPError(.closedByBroker(code: Int(m.reply_code), text: "\(doing): \(m.reply_text.string)"))
            default:
                return AMQPError(.library("\(doing): unexpected method \(r.reply.id)"))
            }
        default:
            return AMQPError(.library("\(doing): no reply"))
        }
    }

    // MARK: Declarations

    /// Declares a durable exchange (idempotent).
    public func declareExchange(_ name: String, type: String = "direct") throws(AMQPError) {
        name.withCString { n in
            type.withCString { t in
                _ = amqp_exchange_declare(state, channel, amqp_cstring_bytes(n), amqp_cstring_bytes(t), 0, 1, 0, 0, amqp_empty_table)
            }
        }
        try check("declare exchange \(name)")
    }

    /// Declares a durable queue with arguments (idempotent while the arguments are unchanged;
    /// different arguments make the broker close the channel with PRECONDITION_FAILED).
    public func declareQueue(_ name: String, arguments: [String: HeaderValue] = [:]) throws(AMQPError) {
        HeaderTable.with(arguments) { table in
            name.withCString { n in
                _ = amqp_queue_declare(state, channel, amqp_cstring_bytes(n), 0, 1, 0, 0, table)
            }
        }
        try check("declare queue \(name)")
    }

    /// Messages and consumers of a queue; throws `isNotFound` when it does not exist.
    public func inspectQueue(_ name: String) throws(AMQPError) -> (messages: Int, consumers: Int) {
        var result: (Int, Int) = (0, 0)
        name.withCString { n in
            if let ok = amqp_queue_declare(state, channel, amqp_cstring_bytes(n), 1, 0, 0, 0, amqp_empty_table) {
                result = (Int(ok.pointee.message_count), Int(ok.pointee.consumer_count))
            }
        }
        try check("inspect queue \(name)")
        return result
    }

    public func bindQueue(_ queue: String, exchange: String, routingKey: String) throws(AMQPError) {
        queue.withCString { q in
            exchange.withCString { e in
                routingKey.withCString { k in
                    _ = amqp_queue_bind(state, channel, amqp_cstring_bytes(q), amqp_cstring_bytes(e), amqp_cstring_bytes(k), amqp_empty_table)
                }
            }
        }
        try check("bind queue \(queue)")
    }

    /// Deletes a queue and its messages (tests and `klaxonctl`).
    public func deleteQueue(_ name: String) throws(AMQPError) {
        name.withCString { n in _ = amqp_queue_delete(state, channel, amqp_cstring_bytes(n), 0, 0) }
        try check("delete queue \(name)")
    }

    public func deleteExchange(_ name: String) throws(AMQPError) {
        name.withCString { n in _ = amqp_exchange_delete(state, channel, amqp_cstring_bytes(n), 0) }
        try check("delete exchange \(name)")
    }

    /// Removes every message from a queue; returns how many.
    public func purgeQueue(_ name: String) throws(AMQPError) -> Int {
        var count = 0
        name.withCString { n in
            if let ok = amqp_queue_purge(state, channel, amqp_cstring_bytes(n)) { count = Int(ok.pointee.message_count) }
        }
        try check("purge queue \(name)")
        return count
    }
}

extension amqp_bytes_t {
    /// Copies the bytes into a Swift string (the buffer belongs to librabbitmq).
    var string: String {
        guard let p = bytes, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    var array: [UInt8] {
        guard let p = bytes, len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: len))
    }
}
