import AlertCore
import Foundation
import Redis

/// One call whose outcome `klaxon-voice` polls: which provider placed it, its id there, what it
/// is about, when it was placed and until when to ask.
public struct VoicePollJob: Sendable, Equatable, Codable {
    public var provider: String
    public var callID: String
    public var call: VoiceCallbacks.Call
    /// Unix ms.
    public var placedAt: Int64
    /// Unix ms: past this, the job is dropped without an outcome.
    public var until: Int64

    public init(provider: String, callID: String, call: VoiceCallbacks.Call, placedAt: Int64, until: Int64) {
        self.provider = provider
        self.callID = callID
        self.call = call
        self.placedAt = placedAt
        self.until = until
    }
}

/// The calls whose outcomes are polled, in Redis, shared by every replica of
/// `klaxon-voice --channel voice`, so a restart keeps polling: one sorted set
/// (`RedisKeys.voicePolls`) of job JSON (keys sorted, so one job is one member) → the Unix ms of
/// its next poll. `claimDue` takes due jobs atomically and pushes each to the end of a lease, so
/// one replica polls a job at a time, and a replica that dies mid-poll only delays it.
public struct VoicePollQueue: Sendable {
    let redis: any RedisCommanding
    let key: String

    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.key = RedisKeys.voicePolls(namespace)
    }

    /// KEYS[1]: the polls sorted set. ARGV[1]: now (Unix ms), ARGV[2]: the lease's end (Unix
    /// ms), ARGV[3]: how many at most. Returns the jobs due at or before now, earliest first,
    /// each re-scored to the lease's end.
    static let claimScript = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, job in ipairs(due) do redis.call('ZADD', KEYS[1], ARGV[2], job) end
        return due
        """

    /// Adds `job`, first polled at `due`.
    public func add(_ job: VoicePollJob, due: Date) async throws {
        try check(try await redis.command(["ZADD", key, String(Self.millis(due)), Self.member(job)]))
    }

    /// Up to `limit` due jobs (their member text, to reschedule or finish them), leased for
    /// `leaseMillis`. A member that is not a job is dropped.
    public func claimDue(now: Date, limit: Int, leaseMillis: Int64) async throws -> [(member: String, job: VoicePollJob)] {
        let n = Self.millis(now)
        let reply = try await redis.command(["EVAL", Self.claimScript, "1", key, String(n), String(n + leaseMillis), String(limit)])
        try check(reply)
        guard case .array(let items) = reply else { return [] }
        var out: [(String, VoicePollJob)] = []
        for member in items.compactMap(\.string) {
            if let job = try? JSONDecoder().decode(VoicePollJob.self, from: Data(member.utf8)) {
                out.append((member, job))
            } else {
                _ = try? await redis.command(["ZREM", key, member])
            }
        }
        return out
    }

    /// Polls the job again at `due` (unless it was finished meanwhile).
    public func reschedule(_ member: String, due: Date) async throws {
        try check(try await redis.command(["ZADD", key, "XX", String(Self.millis(due)), member]))
    }

    /// Removes the job.
    public func finish(_ member: String) async throws {
        try check(try await redis.command(["ZREM", key, member]))
    }

    /// How many jobs wait.
    public func count() async throws -> Int {
        Int(try await redis.command(["ZCARD", key]).integer ?? 0)
    }

    static func member(_ job: VoicePollJob) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and integers only: encoding cannot fail.
        return String(decoding: try! encoder.encode(job), as: UTF8.self)
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    func check(_ reply: RedisReply) throws {
        if case .error(let e) = reply { throw RedisError(message: e, isConnectionError: false) }
    }
}
