import Foundation
import Redis
#if canImport(Glibc)
    import Glibc
#endif

/// A redis-server of the test's own on a free loopback port, to stop and start at will (an
/// outage the shared server must not suffer). Fails, never skips, when redis-server is missing.
public final class LocalRedis: @unchecked Sendable {
    // Why @unchecked: a test drives start/stop from one task at a time.
    /// The port it listens on.
    public let port = freePort()
    private var process: ChildProcess?

    /// Starts the server and waits until it answers PING.
    public init() throws { try start() }

    deinit { stop() }

    /// Starts it (again) and waits until it answers PING.
    public func start() throws {
        process = try ChildProcess(
            "/usr/bin/redis-server",
            [
                "--bind", "127.0.0.1", "--port", String(port), "--save", "",
                "--appendonly", "no", "--daemonize", "no",
            ])
        let deadline = Date().addingTimeInterval(10)
        while (try? client().command(["PING"])) == nil {
            if Date() > deadline {
                throw TestFailure("redis-server on 127.0.0.1:\(port) did not answer PING within 10 s; log:\n\(process?.log ?? "")")
            }
            usleep(20_000)
        }
    }

    /// Stops the server and waits for it to exit: `SHUTDOWN NOSAVE`, else SIGKILL. (A child of
    /// the test process inherits its blocked signal mask, so SIGTERM would stay pending for ever.)
    public func stop() {
        guard let p = process else { return }
        process = nil
        _ = try? client().command(["SHUTDOWN", "NOSAVE"])
        let deadline = Date().addingTimeInterval(5)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        p.kill()
    }

    /// A new client of this server (short timeout: the server may be down on purpose).
    public func client() throws -> RedisClient { RedisClient(.init(host: "127.0.0.1", port: port, timeoutMillis: 500)) }
}
