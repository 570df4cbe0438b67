import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on 127.0.0.1 that accepts connections (the kernel completes handshakes into
/// its backlog) and never answers: a broker or SMTP server that hangs. Closed on deinit.
public final class SilentListener: @unchecked Sendable {
    // Why @unchecked: only immutable descriptors; the kernel does the work.
    /// The listening socket.
    public let fd: Int32
    /// The port it listens on.
    public let port: Int

    /// Binds an ephemeral port and listens; throws if the socket calls fail.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var addr = loopback(port: 0)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0, listen(fd, 16) == 0 else { close(fd); throw TestFailure("bind/listen on 127.0.0.1 failed: errno \(errno)") }
        self.fd = fd
        port = boundPort(of: fd)
    }

    deinit { close(fd) }
}
