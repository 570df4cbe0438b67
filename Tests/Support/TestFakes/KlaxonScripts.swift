import ChannelWorkers
import DedupWorker
import Redis
import WorkerKit

/// Klaxon's own Lua scripts, for `InMemoryRedis`'s EVAL/EVALSHA: each script is recognised by
/// its exact text (the constants the workers send, so a changed script is no longer
/// recognised and its tests fail with "unknown script" rather than pass against stale
/// semantics) and carried out here in Swift, step for step as the Lua does, on the fake's
/// store under its lock, so it is atomic as in Redis. No Lua is interpreted.
enum KlaxonScripts {
    /// A script's body: keys, args → reply, as Redis converts Lua values (number → integer,
    /// table → array).
    typealias Body = (inout RedisStore, [String], [String]) -> RedisReply

    /// The Swift body of `script`, or `nil` when it is not one of Klaxon's.
    static func body(of script: String) -> Body? {
        switch script {
        case DedupScripts.firing: dedupFiring
        case DedupScripts.resolved: dedupResolved
        case DeliveryClaims.claimScript: claim
        case DeliveryClaims.releaseScript: release
        case DeliveryClaims.renewScript: renew
        case RedisBudget.acquireScript: budgetAcquire
        case RedisBudget.settleScript: budgetSettle
        case RedisBudget.exhaustScript: budgetExhaust
        default: nil
        }
    }

    /// Lua's `tonumber` on an argument or a stored string, as the scripts use it (0 for none).
    static func int(_ s: String) -> Int64 { Int64(s) ?? 0 }

    // MARK: DedupScripts

    /// `DedupScripts.firing`: no window → open it with "n:id" (n = repeats so far), clear the
    /// counter, return n; window opened by this id → return its n; else count a repeat (renewing
    /// the counter's TTL) and return -1.
    static func dedupFiring(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        guard let held = s.string(keys[0]) else {
            let n = int(s.string(keys[1]) ?? "0")
            _ = s.set(keys[0], "\(n):\(argv[1])", px: int(argv[0]))
            _ = s.del([keys[1]])
            return .integer(n)
        }
        // string.match(held, '^(%d+):(.*)$')
        if let colon = held.firstIndex(of: ":"), held[..<colon].allSatisfy({ $0 >= "0" && $0 <= "9" }), let n = Int64(held[..<colon]),
            String(held[held.index(after: colon)...]) == argv[1]
        {
            return .integer(n)
        }
        guard (try? s.incr(keys[1])) != nil else { return .error("ERR value is not an integer or out of range") }
        _ = s.pexpire(keys[1], int(argv[2]))
        return .integer(-1)
    }

    /// `DedupScripts.resolved`: returns the repeat count (0 if none) and deletes window and
    /// counter.
    static func dedupResolved(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        let n = int(s.string(keys[1]) ?? "0")
        _ = s.del([keys[0], keys[1]])
        return .integer(n)
    }

    // MARK: DeliveryClaims

    /// `DeliveryClaims.claimScript`: 0 if delivered, 1 if the claim was taken (SET NX PX), 2 if
    /// another sender holds it.
    static func claim(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        if s.exists(keys[0]) { return .integer(0) }
        return .integer(s.set(keys[1], argv[0], px: int(argv[1]), nx: true) ? 1 : 2)
    }

    /// `DeliveryClaims.releaseScript`: deletes the claim if this token holds it (DEL's count).
    static func release(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        guard s.string(keys[0]) == argv[0] else { return .integer(0) }
        return .integer(Int64(s.del([keys[0]])))
    }

    /// `DeliveryClaims.renewScript`: PEXPIRE the claim if this token holds it.
    static func renew(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        guard s.string(keys[0]) == argv[0] else { return .integer(0) }
        return .integer(Int64(s.pexpire(keys[0], int(argv[1]))))
    }

    // MARK: RedisBudget (a sliding log per robot: a sorted set of send times)

    /// `RedisBudget.acquireScript`: for each (limit, window) pair, counts sends with score
    /// > now - window; if `used + cost > limit`, the wait is until the `(used+cost-limit)`-th
    /// oldest of them leaves the window (the whole window if there is none), at least 1 ms.
    /// Any wait → {0, longest wait}; else trim sends older than the longest window, add `cost`
    /// members "<prefix>:<j>" at now, PEXPIRE the longest window → {1, 0}.
    static func budgetAcquire(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        let now = s.now
        let cost = int(argv[1])
        var longest: Int64 = 0, wait: Int64 = 0
        var i = 2
        while i + 1 < argv.count {
            let limit = int(argv[i]), window = int(argv[i + 1])
            i += 2
            longest = max(longest, window)
            let inside = s.zrange(keys[0], scoreAbove: Double(now - window))
            let used = Int64(inside.count)
            if used + cost > limit {
                let offset = Int(used + cost - limit - 1)
                var w = window
                if offset < inside.count { w = Int64(inside[offset].score) + window - now }
                wait = max(wait, max(w, 1))
            }
        }
        if wait > 0 { return .array([.integer(0), .integer(wait)]) }
        s.zremrange(keys[0], upTo: Double(now - longest))
        if cost > 0 { for j in 1...cost { s.zadd(keys[0], score: Double(now), member: "\(argv[0]):\(j)") } }
        _ = s.pexpire(keys[0], longest)
        return .array([.integer(1), .integer(0)])
    }

    /// `RedisBudget.settleScript`: moves the grant's members (ZADD XX) to now; PEXPIRE; 1.
    static func budgetSettle(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        let cost = int(argv[1])
        if cost > 0 { for j in 1...cost { s.zadd(keys[0], score: Double(s.now), member: "\(argv[0]):\(j)", onlyExisting: true) } }
        _ = s.pexpire(keys[0], int(argv[2]))
        return .integer(1)
    }

    /// `RedisBudget.exhaustScript`: adds `count` members "<prefix>:x<j>" at now, PEXPIRE, and
    /// returns the log's size.
    static func budgetExhaust(_ s: inout RedisStore, _ keys: [String], _ argv: [String]) -> RedisReply {
        let count = int(argv[1])
        if count > 0 { for j in 1...count { s.zadd(keys[0], score: Double(s.now), member: "\(argv[0]):x\(j)") } }
        _ = s.pexpire(keys[0], int(argv[2]))
        return .integer(Int64(s.zset(keys[0]).count))
    }
}
