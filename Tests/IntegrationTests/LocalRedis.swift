import Foundation
import Glibc
import Redis

/// A redis-server of the test's own on a spare loopback port, to stop and start at will (an
/// outage the shared server must not suffer). Fails, never skips, when redis-server is missing.
final class LocalRedis: @unchecked Sendable {
    let port: Int
    private var process: Process?

    init() throws {
        port = try LocalRedis.sparePort()
        try start()
    }

    deinit { stop() }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        p.arguments = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--daemonize", "no"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch {
            throw TestEnvironment.Unreachable(description: "cannot start /usr/bin/redis-server (\(error)); install redis-server (scripts/install-deps.sh)")
        }
        process = p
        let deadline = Date().addingTimeInterval(10)
        while (try? client().command(["PING"])) == nil {
            if Date() > deadline { throw TestEnvironment.Unreachable(description: "redis-server on 127.0.0.1:\(port) did not answer PING within 10 s") }
            usleep(20_000)
        }
    }

    /// Stops the server we started and waits for it to exit: `SHUTDOWN NOSAVE`, else SIGKILL to
    /// its pid. (A child of the test process inherits its blocked signal mask, so SIGTERM would
    /// stay pending for ever.)
    func stop() {
        guard let p = process else { return }
        process = nil
        _ = try? client().command(["SHUTDOWN", "NOSAVE"])
        let deadline = Date().addingTimeInterval(5)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    func client() throws -> RedisClient { RedisClient(.init(host: "127.0.0.1", port: port, timeoutMillis: 500)) }

    /// A port the kernel just handed out for an ephemeral bind, free again once closed.
    static func sparePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironment.Unreachable(description: "socket() failed: \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw TestEnvironment.Unreachable(description: "cannot find a spare port: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
