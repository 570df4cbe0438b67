/// What Klaxon's workers need from Redis, from async code: commands, pipelines, health for
/// `/readyz`, and closing. `SharedRedis` (WorkerKit) is the real one; tests use an in-memory
/// fake and an outage fake.
///
/// Contract (as `SharedRedis`): a call throws `RedisError` when Redis cannot be reached; an
/// error *reply* (`RedisReply.error`, e.g. NOSCRIPT) is returned, not thrown.
public protocol RedisCommanding: Sendable {
    /// `false` after the last call failed to reach Redis.
    var isHealthy: Bool { get }
    /// Runs one command (argv) and returns its reply.
    func command(_ args: [String]) async throws -> RedisReply
    /// Runs commands in one pipeline and returns their replies in order.
    func pipeline(_ commands: [[String]]) async throws -> [RedisReply]
    /// Closes the connection; later calls are not expected.
    func close()
}
