import Foundation
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port on 127.0.0.1 that nothing listens on now, for a server a test starts (or for a
/// "server down" test). Chosen below the kernel's ephemeral range: a port from that range (what
/// binding port 0 gives) can be taken by any outgoing connection of the tests running in
/// parallel between this choice and the server's own bind (a router once failed to start on
/// one, "port in use"), and a connect to it can connect to itself. Never the same port twice in
/// one run.
public func freePort() -> Int {
    let ephemeralStart =
        (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
        .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } } ?? 32768
    let candidates = 10_000..<max(10_001, min(ephemeralStart, 32768))
    while true {
        let port = Int.random(in: candidates)
        let fresh = handedOutPorts.withLock { $0.insert(port).inserted }
        if fresh && canBind(port) { return port }
    }
}

private let handedOutPorts = Mutex<Set<Int>>([])

private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = loopback(port: port)
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// 127.0.0.1:`port` as a socket address (port 0: any).
func loopback(port: Int) -> sockaddr_in {
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    return addr
}

/// The local port a socket is bound to.
func boundPort(of fd: Int32) -> Int {
    var bound = sockaddr_in()
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: bound.sin_port))
}
