import AlertCore
import Blocking
import Foundation
import Redis
import Synchronization

/// A Redis connection usable from async code: one dedicated thread owns the hiredis context and
/// runs every call, in order. Tracks whether Redis answered lately, for `/readyz`.
public final class SharedRedis: RedisCommanding {
    private struct Box: @unchecked Sendable { let client: RedisClient }
    private let executor: BlockingExecutor
    private let box: Box
    private let healthy = Atomic<Bool>(true)

    public init(_ config: RedisConfig) {
        executor = BlockingExecutor(name: "redis", threads: 1)
        box = Box(
            client: RedisClient(
                .init(
                    host: config.host, port: config.port, database: config.database,
                    password: config.password, timeoutMillis: config.timeoutMillis)))
    }

    /// `false` after the last call failed to reach Redis.
    public var isHealthy: Bool { healthy.load(ordering: .relaxed) }

    /// Runs commands in one pipeline on the Redis thread. Throws `RedisError` when unreachable.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        let box = self.box
        do {
            let r = try await executor.run { _ in try box.client.pipeline(commands) }
            healthy.store(true, ordering: .relaxed)
            return r
        } catch {
            healthy.store(false, ordering: .relaxed)
            throw error
        }
    }

    /// Runs one command on the Redis thread. Throws `RedisError` when unreachable.
    public func command(_ args: [String]) async throws -> RedisReply {
        try await pipeline([args])[0]
    }

    /// Disconnects and stops the Redis thread.
    public func close() {
        let box = self.box
        executor.submit { _ in box.client.disconnect() }
        executor.shutdown()
    }
}
