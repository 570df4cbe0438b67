import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A raw TCP client for what URLSession cannot do: trickle bytes, hold connections open, send
/// chunked bodies, see whether the server closed the socket.
public final class RawClient {
    /// The connected socket.
    public let fd: Int32

    /// Connects to 127.0.0.1:port; nil if the connection is refused.
    public init?(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 { close(fd); return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends everything; false when the peer has closed the connection.
    @discardableResult
    public func send(_ s: String) -> Bool { send(Array(s.utf8)) }

    /// Sends every byte; false when the peer has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// True when the server has closed the connection (EOF or reset), waiting up to `millis`.
    public func isClosed(waitMillis millis: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, millis) > 0 else { return false }
        var b: UInt8 = 0
        let n = recv(fd, &b, 1, Int32(MSG_PEEK))
        return n <= 0
    }

    /// Reads one HTTP response (headers plus a Content-Length body); nil on EOF or after `seconds`.
    public func readResponse(seconds: Double = 15) -> (status: Int, headers: [String: String], body: String)? {
        var buf: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        func fill() -> Bool {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&p, 1, left) > 0 else { return false }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return false }
            buf += chunk[..<n]
            return true
        }
        let sep: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int? = nil
        while headerEnd == nil {
            if let r = buf.indices.dropLast(3).first(where: { Array(buf[$0..<$0 + 4]) == sep }) { headerEnd = r; break }
            if !fill() { return nil }
        }
        let head = String(decoding: buf[..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            if let c = line.firstIndex(of: ":") {
                headers[line[..<c].lowercased()] = line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)
            }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buf.count < headerEnd! + 4 + length { if !fill() { return nil } }
        let body = String(decoding: buf[(headerEnd! + 4)..<(headerEnd! + 4 + length)], as: UTF8.self)
        return (status, headers, body)
    }
}

/// One request over a fresh raw connection. URLSession on Linux stalls on a 401 that carries a
/// `WWW-Authenticate` challenge (it waits for a credential delegate), so auth tests use this.
public func rawHTTP(port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: Data = Data()) throws -> HTTPResult {
    guard let c = RawClient(port: port) else { throw TestFailure("gateway on 127.0.0.1:\(port) refused the connection") }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
    for (k, v) in headers { head += "\(k): \(v)\r\n" }
    guard c.send(Array((head + "\r\n").utf8) + Array(body)), let r = c.readResponse() else {
        throw TestFailure("no response from the gateway for \(method) \(path)")
    }
    return HTTPResult(status: r.status, headers: r.headers, body: Data(r.body.utf8))
}
