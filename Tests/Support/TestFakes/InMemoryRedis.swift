import Redis
import Synchronization

/// Redis in memory, for tests that need no server: the commands Klaxon sends (GET, SET with
/// PX/NX/XX, DEL, EXISTS, PEXPIRE, PTTL, INCR, TIME, SCRIPT LOAD/FLUSH, EVAL, EVALSHA), with
/// TTLs on an injected `ManualClock`.
///
/// EVAL runs only Klaxon's own scripts, recognised by their text and carried out in Swift
/// (`KlaxonScripts`); any other script answers an error reply. `SCRIPT LOAD` answers a
/// made-up 40-character digest (not the script's SHA-1; only this fake reads it back), and
/// `SCRIPT FLUSH` forgets them, so EVALSHA then answers NOSCRIPT as Redis does. Like Redis,
/// an unknown command or bad argument is an error *reply*; nothing throws (see `RedisOutage`).
public final class InMemoryRedis: RedisCommanding {
    private struct State {
        var store = RedisStore()
        var scripts: [String: String] = [:]
        var commands: [[String]] = []
        var closed = false
    }

    private let state = Mutex(State())
    /// The clock every TTL and `TIME` reads.
    public let clock: ManualClock

    public init(clock: ManualClock = ManualClock()) { self.clock = clock }

    /// `true`: this Redis always answers.
    public var isHealthy: Bool { true }

    /// Runs one command.
    public func command(_ args: [String]) async throws -> RedisReply { run(args) }

    /// Runs the commands in order, atomically as a group (Redis does not interleave a pipeline
    /// with other clients' commands on one connection either).
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        state.withLock { s in commands.map { execute($0, &s) } }
    }

    /// Marks the fake closed (`isClosed`).
    public func close() { state.withLock { $0.closed = true } }

    // MARK: For tests

    /// `true` after `close()`.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Every command received, in order (EVAL and EVALSHA with their full argv).
    public var commands: [[String]] { state.withLock { $0.commands } }

    /// Runs one command synchronously: for a test's own setup and checks.
    @discardableResult
    public func run(_ args: [String]) -> RedisReply { state.withLock { execute(args, &$0) } }

    /// The string at `key`, if it exists and has not expired.
    public func string(_ key: String) -> String? { run(["GET", key]).string }

    /// Milliseconds left on `key`: -2 missing, -1 no expiry.
    public func ttlMillis(_ key: String) -> Int64 { run(["PTTL", key]).integer ?? -2 }

    // MARK: Commands

    private func execute(_ args: [String], _ s: inout State) -> RedisReply {
        s.commands.append(args)
        s.store.now = clock.nowMillis
        guard let verb = args.first?.uppercased() else { return .error("ERR empty command") }
        let a = Array(args.dropFirst())
        switch (verb, a.count) {
        case ("GET", 1):
            return s.store.string(a[0]).map { .bulk(Array($0.utf8)) } ?? .null
        case ("SET", 2...):
            return set(a, &s.store)
        case ("DEL", 1...):
            return .integer(Int64(s.store.del(a)))
        case ("EXISTS", 1...):
            return .integer(Int64(a.filter { s.store.exists($0) }.count))
        case ("PEXPIRE", 2):
            guard let ms = Int64(a[1]) else { return .error("ERR value is not an integer or out of range") }
            return .integer(Int64(s.store.pexpire(a[0], ms)))
        case ("PTTL", 1):
            return .integer(s.store.pttl(a[0]))
        case ("INCR", 1):
            do { return .integer(try s.store.incr(a[0])) } catch { return .error("ERR value is not an integer or out of range") }
        case ("TIME", 0):
            let now = s.store.now
            return .array([.bulk(Array(String(now / 1000).utf8)), .bulk(Array(String((now % 1000) * 1000).utf8))])
        case ("SCRIPT", 2) where a[0].uppercased() == "LOAD":
            guard KlaxonScripts.body(of: a[1]) != nil else { return unknownScript() }
            let sha = digest(of: a[1], &s)
            return .bulk(Array(sha.utf8))
        case ("SCRIPT", 1) where a[0].uppercased() == "FLUSH":
            s.scripts = [:]
            return .status("OK")
        case ("EVAL", 2...):
            guard KlaxonScripts.body(of: a[0]) != nil else { return unknownScript() }
            _ = digest(of: a[0], &s)  // EVAL caches the script, as Redis does
            return eval(a[0], Array(a.dropFirst()), &s.store)
        case ("EVALSHA", 2...):
            guard let script = s.scripts[a[0].lowercased()] else { return .error("NOSCRIPT No matching script. Please use EVAL.") }
            return eval(script, Array(a.dropFirst()), &s.store)
        default:
            return .error("ERR unknown command or arguments for the in-memory fake: \(args.prefix(2).joined(separator: " "))")
        }
    }

    private func unknownScript() -> RedisReply { .error("ERR the in-memory Redis only runs Klaxon's own scripts (KlaxonScripts)") }

    /// SET key value [NX|XX] [PX ms|EX s].
    private func set(_ a: [String], _ store: inout RedisStore) -> RedisReply {
        var nx = false, xx = false, px: Int64? = nil
        var i = 2
        while i < a.count {
            switch a[i].uppercased() {
            case "NX": nx = true
            case "XX": xx = true
            case "PX", "EX":
                guard i + 1 < a.count, let v = Int64(a[i + 1]), v > 0 else { return .error("ERR invalid expire time in 'set' command") }
                px = a[i].uppercased() == "PX" ? v : v * 1000
                i += 1
            default: return .error("ERR syntax error")
            }
            i += 1
        }
        return store.set(a[0], a[1], px: px, nx: nx, xx: xx) ? .status("OK") : .null
    }

    /// numkeys keys… args… → the script's Swift body.
    private func eval(_ script: String, _ rest: [String], _ store: inout RedisStore) -> RedisReply {
        guard let n = Int(rest[0]), n >= 0, n < rest.count else { return .error("ERR Number of keys can't be greater than number of args") }
        let keys = Array(rest.dropFirst().prefix(n)), argv = Array(rest.dropFirst(n + 1))
        return KlaxonScripts.body(of: script)!(&store, keys, argv)
    }

    /// A stable made-up digest per script text (40 hex characters).
    private func digest(of script: String, _ s: inout State) -> String {
        if let known = s.scripts.first(where: { $0.value == script })?.key { return known }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for b in script.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        let sha = String(repeating: "0", count: 40 - hex.count) + hex
        s.scripts[sha] = script
        return sha
    }
}
