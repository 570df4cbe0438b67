import Foundation
internal import CHiredis

/// A Redis reply, copied out of hiredis' memory.
public enum RedisReply: Sendable, Equatable {
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RedisReply])

    public var string: String? {
        switch self {
        case .status(let s): s
        case .bulk(let b): String(decoding: b, as: UTF8.self)
        case .integer(let i): String(i)
        default: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let i): i
        case .bulk, .status: string.flatMap { Int64($0) }
        default: nil
        }
    }
}

/// Redis is unreachable or answered with an error.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// `true` when the connection failed (reconnect and retry later); `false` for an error reply.
    public var isConnectionError: Bool
    public var description: String { "redis: \(message)" }

    /// An error with `message`; `isConnectionError` when Redis could not be reached.
    public init(message: String, isConnectionError: Bool) {
        self.message = message
        self.isConnectionError = isConnectionError
    }
}

/// One hiredis context, owned by one thread (hiredis is not thread-safe). Reconnects lazily
/// after a failure: the next command tries again.
public final class RedisClient {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var database: Int
        public var password: String?
        public var timeoutMillis: Int64
        public init(host: String, port: Int, database: Int = 0, password: String? = nil, timeoutMillis: Int64 = 2000) {
            self.host = host
            self.port = port
            self.database = database
            self.password = password
            self.timeoutMillis = timeoutMillis
        }
    }

    private let config: Configuration
    private var context: UnsafeMutablePointer<redisContext>?

    public init(_ config: Configuration) { self.config = config }
    deinit { disconnect() }

    public func disconnect() {
        if let c = context { redisFree(c) }
        context = nil
    }

    private func connected() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        if let c = context { return c }
        var tv = timeval(tv_sec: Int(config.timeoutMillis / 1000), tv_usec: Int((config.timeoutMillis % 1000) * 1000))
        guard let c = redisConnectWithTimeout(config.host, Int32(config.port), tv) else {
            throw RedisError(message: "cannot allocate a context", isConnectionError: true)
        }
        if c.pointee.err != 0 {
            let msg = RedisClient.errstr(c)
            redisFree(c)
            throw RedisError(message: "cannot connect to \(config.host):\(config.port): \(msg)", isConnectionError: true)
        }
        redisSetTimeout(c, tv)
        redisEnableKeepAlive(c)
        context = c
        if let pw = config.password {
            if case .error(let e) = try command(["AUTH", pw]) {
                disconnect(); throw RedisError(message: "AUTH failed: \(e)", isConnectionError: true)
            }
        }
        if config.database != 0 {
            if case .error(let e) = try command(["SELECT", String(config.database)]) {
                disconnect(); throw RedisError(message: e, isConnectionError: true)
            }
        }
        return c
    }

    /// Runs one command. An error reply is returned as `.error`; a broken connection throws.
    @discardableResult
    public func command(_ args: [String]) throws(RedisError) -> RedisReply {
        try pipeline([args])[0]
    }

    /// Sends all commands in one write and reads every reply (pipelining).
    public func pipeline(_ commands: [[String]]) throws(RedisError) -> [RedisReply] {
        let c = try connected()
        for args in commands {
            let bytes = args.map { Array($0.utf8) }
            let rc: Int32 = withArgv(bytes) { argc, argv, lens in redisAppendCommandArgv(c, argc, argv, lens) }
            if rc != REDIS_OK { throw fail(c, "append") }
        }
        var out: [RedisReply] = []
        out.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer? = nil
            if redisGetReply(c, &raw) != REDIS_OK || raw == nil { throw fail(c, "read reply") }
            let r = raw!.assumingMemoryBound(to: redisReply.self)
            out.append(RedisClient.convert(r))
            freeReplyObject(raw)
        }
        return out
    }

    private func fail(_ c: UnsafeMutablePointer<redisContext>, _ doing: String) -> RedisError {
        // A failed context is dead: drop it so the next call reconnects.
        let msg = RedisClient.errstr(c)
        disconnect()
        return RedisError(message: "\(doing): \(msg)", isConnectionError: true)
    }

    private static func errstr(_ c: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: c.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    private func withArgv<R>(_ args: [[UInt8]], _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        // Each argument is copied into memory that lives until hiredis has formatted the command.
        let ptrs: [UnsafeMutablePointer<CChar>] = args.map { a in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(a.count, 1))
            a.withUnsafeBytes { if $0.count > 0 { UnsafeMutableRawPointer(p).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
            return p
        }
        defer { ptrs.forEach { $0.deallocate() } }
        var argv: [UnsafePointer<CChar>?] = ptrs.map { UnsafePointer($0) }
        let lens = args.map(\.count)
        return argv.withUnsafeMutableBufferPointer { av in
            lens.withUnsafeBufferPointer { l in body(Int32(args.count), av.baseAddress!, l.baseAddress!) }
        }
    }

    private static func convert(_ r: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let p = r.pointee
        switch p.type {
        case REDIS_REPLY_STATUS: return .status(text(p))
        case REDIS_REPLY_ERROR: return .error(text(p))
        case REDIS_REPLY_INTEGER: return .integer(p.integer)
        case REDIS_REPLY_STRING: return .bulk(p.str.map { Array(UnsafeRawBufferPointer(start: $0, count: p.len)) } ?? [])
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            for i in 0..<p.elements { if let e = p.element[i] { items.append(convert(e)) } }
            return .array(items)
        default: return .null
        }
    }

    private static func text(_ p: redisReply) -> String {
        guard let s = p.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: s, count: p.len), as: UTF8.self)
    }
}
