import Redis
import Synchronization

/// Redis that cannot be reached: every command and pipeline throws a connection
/// `RedisError`, and `isHealthy` is `false`, as `SharedRedis` is while Redis is down. Counts
/// the calls, so a test can see that a worker tried.
public final class RedisOutage: RedisCommanding {
    private let calls = Atomic<Int>(0)

    public init() {}

    /// Commands and pipelines tried.
    public var attempts: Int { calls.load(ordering: .relaxed) }

    /// `false`: Redis is unreachable.
    public var isHealthy: Bool { false }

    /// Throws a connection `RedisError`.
    public func command(_ args: [String]) async throws -> RedisReply {
        calls.add(1, ordering: .relaxed)
        throw Self.error
    }

    /// Throws a connection `RedisError`.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        calls.add(1, ordering: .relaxed)
        throw Self.error
    }

    /// Nothing to close.
    public func close() {}

    static let error = RedisError(message: "Connection refused (redis outage fake)", isConnectionError: true)
}
