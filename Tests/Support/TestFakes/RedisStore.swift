import Redis

/// The data of `InMemoryRedis`: strings and sorted sets with optional expiry, read at an instant
/// (`now`, milliseconds) so expired keys are gone exactly when the clock says. The commands and
/// the script implementations both work on it, under the fake's lock.
struct RedisStore {
    enum Value {
        case string(String)
        /// member → score
        case sortedSet([String: Double])
    }

    struct Entry {
        var value: Value
        /// Expiry instant in ms since the epoch; `nil` for none.
        var expiresAt: Int64?
    }

    var entries: [String: Entry] = [:]
    var now: Int64 = 0

    /// The live entry of `key` (dropping it if it expired).
    mutating func entry(_ key: String) -> Entry? {
        guard let e = entries[key] else { return nil }
        if let at = e.expiresAt, at <= now {
            entries[key] = nil
            return nil
        }
        return e
    }

    mutating func exists(_ key: String) -> Bool { entry(key) != nil }

    mutating func string(_ key: String) -> String? {
        if case .string(let s)? = entry(key)?.value { return s }
        return nil
    }

    /// SET with PX / NX / XX. Returns whether it was written.
    mutating func set(_ key: String, _ value: String, px: Int64? = nil, nx: Bool = false, xx: Bool = false) -> Bool {
        let present = exists(key)
        if nx && present || xx && !present { return false }
        entries[key] = Entry(value: .string(value), expiresAt: px.map { now + $0 })
        return true
    }

    /// Deletes the live keys among `keys`; returns how many there were.
    mutating func del(_ keys: [String]) -> Int {
        var n = 0
        for k in keys where exists(k) {
            entries[k] = nil
            n += 1
        }
        return n
    }

    /// PEXPIRE: 1 if the key exists (its TTL set), else 0. A TTL of 0 or less deletes it.
    mutating func pexpire(_ key: String, _ millis: Int64) -> Int {
        guard exists(key) else { return 0 }
        if millis <= 0 { entries[key] = nil } else { entries[key]!.expiresAt = now + millis }
        return 1
    }

    /// PTTL: -2 missing, -1 no expiry, else ms left.
    mutating func pttl(_ key: String) -> Int64 {
        guard let e = entry(key) else { return -2 }
        return e.expiresAt.map { $0 - now } ?? -1
    }

    enum Failure: Error { case wrongType, notAnInteger }

    /// INCR: keeps the TTL, as Redis does.
    mutating func incr(_ key: String) throws(Failure) -> Int64 {
        guard let e = entry(key) else {
            entries[key] = Entry(value: .string("1"), expiresAt: nil)
            return 1
        }
        guard case .string(let s) = e.value else { throw .wrongType }
        guard let n = Int64(s) else { throw .notAnInteger }
        entries[key]!.value = .string(String(n + 1))
        return n + 1
    }

    // MARK: Sorted sets (only as RedisBudget's scripts use them)

    mutating func zset(_ key: String) -> [String: Double] {
        if case .sortedSet(let z)? = entry(key)?.value { return z }
        return [:]
    }

    /// ZADD (XX: only members already there).
    mutating func zadd(_ key: String, score: Double, member: String, onlyExisting: Bool = false) {
        var z = zset(key)
        if onlyExisting && z[member] == nil { return }
        z[member] = score
        let expiry = entry(key)?.expiresAt
        entries[key] = Entry(value: .sortedSet(z), expiresAt: expiry)
    }

    /// Members with `score > above`, in Redis order (score, then member bytes).
    mutating func zrange(_ key: String, scoreAbove above: Double) -> [(member: String, score: Double)] {
        zset(key).filter { $0.value > above }.map { (member: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score < $1.score : Array($0.member.utf8).lexicographicallyPrecedes(Array($1.member.utf8)) }
    }

    /// ZREMRANGEBYSCORE -inf max (inclusive).
    mutating func zremrange(_ key: String, upTo max: Double) {
        var z = zset(key)
        guard !z.isEmpty else { return }
        z = z.filter { $0.value > max }
        if z.isEmpty { entries[key] = nil } else { entries[key]!.value = .sortedSet(z) }
    }
}
