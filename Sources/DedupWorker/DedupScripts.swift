import Redis
import Synchronization
import WorkerKit

/// The two Lua scripts behind every dedup decision. Each runs atomically in Redis, so replicas
/// sharing one Redis make exactly the decisions one process would.
///
/// Per key there are two Redis strings (names from `RedisKeys`):
/// - the window, `<ns>:dedup:<key>`: `"<repeats reported>:<alert id>"` of the alert that opened
///   it, expiring after the rule's window (PX);
/// - the repeat counter, `<ns>:dedup:<key>:repeats`: repeats suppressed since the last alert of
///   the key that passed. Its TTL (`dedup.repeats_ttl`, at least every window) is renewed on each
///   repeat, so it outlives the window and is read by the next alert that passes, whenever that
///   comes within `repeats_ttl` of the last repeat. It is deleted by the alert that passes (or by
///   a `resolved`), so it never counts the same repeat twice, and it never lives for ever: it is
///   only ever written together with its TTL.
public enum DedupScripts {
    /// Firing alert.
    ///
    /// KEYS[1] window key, KEYS[2] repeat counter.
    /// ARGV[1] window in ms, ARGV[2] alert id, ARGV[3] counter TTL in ms.
    /// Returns `n >= 0` when the alert passes (it opened a new window; `n` repeats were
    /// suppressed since the last alert that passed), `-1` when it is suppressed.
    ///
    /// A redelivery of the alert that opened the window (same id: the worker crashed between
    /// this script and its ack) passes again with the same `n`: its forward may have been lost.
    /// A redelivered suppressed alert is counted again (an over-count, never a lost page).
    public static let firing = """
        local held = redis.call('GET', KEYS[1])
        if not held then
          local n = tonumber(redis.call('GET', KEYS[2]) or '0')
          redis.call('SET', KEYS[1], n .. ':' .. ARGV[2], 'PX', ARGV[1])
          redis.call('DEL', KEYS[2])
          return n
        end
        local n, id = string.match(held, '^(%d+):(.*)$')
        if id == ARGV[2] then return tonumber(n) end
        redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return -1
        """

    /// Resolved alert: always passes, clears the window so the next firing pages at once.
    ///
    /// KEYS[1] window key, KEYS[2] repeat counter. No ARGV.
    /// Returns the repeats suppressed since the last alert that passed (`>= 0`), for the
    /// resolved notification to report.
    public static let resolved = """
        local n = tonumber(redis.call('GET', KEYS[2]) or '0')
        redis.call('DEL', KEYS[1], KEYS[2])
        return n
        """

    static let all = [firing, resolved]
}

/// SHA1s of the scripts as Redis knows them (`SCRIPT LOAD`), so each decision sends EVALSHA
/// with a 40-byte digest instead of the script text. Forgotten when Redis answers NOSCRIPT
/// (restarted or `SCRIPT FLUSH`), then loaded again.
final class DedupScriptCache: Sendable {
    private let shas = Mutex<[String]?>(nil)

    /// The digests, loading the scripts first when they are not known. Throws `RedisError`.
    func digests(_ redis: any RedisCommanding) async throws -> [String] {
        if let known = shas.withLock({ $0 }) { return known }
        let replies = try await redis.pipeline(DedupScripts.all.map { ["SCRIPT", "LOAD", $0] })
        var out: [String] = []
        for r in replies {
            guard case .bulk = r, let sha = r.string else { throw ScriptLoadError(reply: "\(r)") }
            out.append(sha)
        }
        shas.withLock { $0 = out }
        return out
    }

    func forget() { shas.withLock { $0 = nil } }
}

/// Redis refused to load a script (scripting disabled, out of memory): dedup treats it as
/// Redis being unavailable (fail open or hold).
struct ScriptLoadError: Error, CustomStringConvertible {
    var reply: String
    var description: String { "redis: SCRIPT LOAD answered \(reply)" }
}
