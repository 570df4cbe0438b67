import AlertCore
import Foundation
import Redis
import Synchronization

/// Whether a robot may be sent to now.
public enum BudgetDecision: Sendable, Equatable {
    /// Send now; hand the grant back to `settle` once the requests have completed.
    case granted(BudgetGrant)
    /// Not before this many milliseconds: that is when enough earlier sends leave the window.
    case wait(millis: Int64)
}

/// The slots a grant took in a robot's log, so they can be re-stamped when the requests end.
public struct BudgetGrant: Sendable, Equatable {
    public var id: String
    public var cost: Int
}

/// A budget of requests per key: at most `messages` per sliding `window`, for each limit. The
/// chat robots' and phone callees' budgets (`klaxon-chat`, `klaxon-voice`) and the gateway's
/// Grafana OnCall relay throttle (per token) are all this one sliding log.
public protocol RobotBudget: Sendable {
    /// Admits `cost` requests at once (all or none), or says how long to wait.
    func acquire(_ key: String, cost: Int, limits: [RateLimit]) async -> BudgetDecision
    /// The granted requests have completed: move their slots to now. The platform counts a
    /// request when it *arrives*, which is between the grant and the completion; counting the
    /// window from the completion is the only bound that holds whatever the network delay.
    func settle(_ key: String, _ grant: BudgetGrant, limits: [RateLimit]) async
    /// The robot said "too fast": spend the rest of every window, so no replica sends until the
    /// platform's window has reopened.
    func exhaust(_ key: String, limits: [RateLimit]) async
}

/// The budget shared by every replica: a sliding log per robot in Redis (a sorted set of send
/// times, Redis's own clock, so replicas' clocks need not agree), checked and spent in one Lua
/// script. When Redis is unreachable it falls back to a budget per process (`LocalBudget`) and
/// says so in the log: pages keep flowing, each replica within the limit on its own.
public final class RedisBudget: RobotBudget {
    private let redis: any RedisCommanding
    private let local = LocalBudget()
    private let logger: Logger
    private let warned = Atomic<Bool>(false)

    public init(redis: any RedisCommanding, logger: Logger) {
        self.redis = redis
        self.logger = logger
    }

    /// KEYS[1]: the robot's sliding log, a sorted set (score: send time in ms; member unique).
    /// ARGV[1]: a unique member prefix for this grant; ARGV[2]: cost (requests admitted at once);
    /// ARGV[3], ARGV[4], …: pairs of limit (requests) and window (ms).
    /// Returns {1, 0} after adding `cost` members at now, or {0, wait_ms}: the time until enough
    /// of the oldest sends inside every window have left it.
    package static let acquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local cost = tonumber(ARGV[2])
        local longest, wait = 0, 0
        for i = 3, #ARGV, 2 do
          local limit, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
          if window > longest then longest = window end
          local used = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
          if used + cost > limit then
            local e = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', used + cost - limit - 1, 1)
            local w = window
            if e[2] then w = tonumber(e[2]) + window - now end
            if w < 1 then w = 1 end
            if w > wait then wait = w end
          end
        end
        if wait > 0 then return {0, wait} end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
        for j = 1, cost do redis.call('ZADD', KEYS[1], now, ARGV[1] .. ':' .. j) end
        redis.call('PEXPIRE', KEYS[1], longest)
        return {1, 0}
        """

    /// KEYS[1]: the robot's sliding log. ARGV[1]: the grant's member prefix; ARGV[2]: its cost;
    /// ARGV[3]: the longest window (ms). Moves the grant's members (only if still there) to now.
    package static let settleScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        for j = 1, tonumber(ARGV[2]) do redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1] .. ':' .. j) end
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
        return 1
        """

    /// KEYS[1]: the robot's sliding log. ARGV[1]: a unique member prefix; ARGV[2]: how many
    /// sends to record at now (the largest limit); ARGV[3]: the longest window (ms).
    /// Fills every window, so `acquire` waits a full window. Returns the log's size.
    package static let exhaustScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        for j = 1, tonumber(ARGV[2]) do redis.call('ZADD', KEYS[1], now, ARGV[1] .. ':x' .. j) end
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
        return redis.call('ZCARD', KEYS[1])
        """

    public func acquire(_ key: String, cost: Int, limits: [RateLimit]) async -> BudgetDecision {
        let grant = BudgetGrant(id: UUID().uuidString, cost: cost)
        var args = ["EVAL", Self.acquireScript, "1", key, grant.id, String(cost)]
        for l in limits { args += [String(l.messages), String(l.windowMillis)] }
        do {
            let reply = try await redis.command(args)
            guard case .array(let items) = reply, items.count == 2, let ok = items[0].integer, let wait = items[1].integer else {
                throw BudgetScriptError(reply: reply)
            }
            warned.store(false, ordering: .relaxed)
            return ok == 1 ? .granted(grant) : .wait(millis: max(wait, 1))
        } catch {
            if !warned.exchange(true, ordering: .relaxed) {
                logger.warning("robot budget in Redis unavailable; pacing this replica on its own", ["error": "\(error)"])
            }
            return local.decide(key, cost: cost, limits: limits, now: Date(), grantID: grant.id)
        }
    }

    public func settle(_ key: String, _ grant: BudgetGrant, limits: [RateLimit]) async {
        let longest = limits.map(\.windowMillis).max() ?? 60_000
        _ = try? await redis.command(["EVAL", Self.settleScript, "1", key, grant.id, String(grant.cost), String(longest)])
        local.settle(key, grant, now: Date())
    }

    public func exhaust(_ key: String, limits: [RateLimit]) async {
        let count = limits.map(\.messages).max() ?? 1
        let longest = limits.map(\.windowMillis).max() ?? 60_000
        _ = try? await redis.command(["EVAL", Self.exhaustScript, "1", key, UUID().uuidString, String(count), String(longest)])
        local.exhaust(key, limits: limits, now: Date())
    }
}

struct BudgetScriptError: Error, CustomStringConvertible {
    var reply: RedisReply
    var description: String { "unexpected reply to the budget script: \(reply)" }
}

/// The same sliding log in memory, for one process: the fallback when Redis is down, and the
/// reference the Lua script follows (unit-tested with an injected clock).
public final class LocalBudget: Sendable {
    private struct Slot { var grant: String; var at: Date }
    private let logs = Mutex<[String: [Slot]]>([:])

    public init() {}

    public func decide(_ key: String, cost: Int, limits: [RateLimit], now: Date, grantID: String = UUID().uuidString) -> BudgetDecision {
        logs.withLock { all in
            var log = all[key] ?? []
            let longest = Double(limits.map(\.windowMillis).max() ?? 0) / 1000
            log.removeAll { now.timeIntervalSince($0.at) >= longest }
            var wait: Int64 = 0
            for l in limits {
                let window = Double(l.windowMillis) / 1000
                let inside = log.map(\.at).filter { now.timeIntervalSince($0) < window }.sorted()
                if inside.count + cost > l.messages {
                    let index = inside.count + cost - l.messages - 1
                    let w = index < inside.count ? Int64(((inside[index].timeIntervalSince(now) + window) * 1000).rounded(.up)) : l.windowMillis
                    wait = max(wait, max(w, 1))
                }
            }
            if wait == 0 { log += Array(repeating: Slot(grant: grantID, at: now), count: cost) }
            all[key] = log
            return wait == 0 ? .granted(BudgetGrant(id: grantID, cost: cost)) : .wait(millis: wait)
        }
    }

    public func settle(_ key: String, _ grant: BudgetGrant, now: Date) {
        logs.withLock { all in
            guard var log = all[key] else { return }
            for i in log.indices where log[i].grant == grant.id { log[i].at = now }
            all[key] = log
        }
    }

    public func exhaust(_ key: String, limits: [RateLimit], now: Date) {
        logs.withLock { $0[key, default: []] += Array(repeating: Slot(grant: "exhaust", at: now), count: limits.map(\.messages).max() ?? 1) }
    }
}

extension LocalBudget: RobotBudget {
    public func acquire(_ key: String, cost: Int, limits: [RateLimit]) async -> BudgetDecision {
        decide(key, cost: cost, limits: limits, now: Date())
    }

    public func settle(_ key: String, _ grant: BudgetGrant, limits: [RateLimit]) async { settle(key, grant, now: Date()) }

    public func exhaust(_ key: String, limits: [RateLimit]) async { exhaust(key, limits: limits, now: Date()) }
}
