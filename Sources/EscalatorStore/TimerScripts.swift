/// The Lua scripts of `TimerStore`. The timers are one sorted set (incident id → due instant in
/// Unix ms) and the leases one hash (incident id → owner); every script touches both, so a timer
/// and its lease always change together.
enum TimerScripts {
    /// KEYS[1] timers (sorted set), KEYS[2] leases (hash). ARGV[1] incident id, ARGV[2] due
    /// instant (Unix ms). Sets the incident's one timer (replacing any, claimed or not) and drops
    /// its lease: a claimer still working on the old timer then completes nothing. Returns 1.
    static let schedule = """
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
        """

    /// KEYS[1] timers, KEYS[2] leases. ARGV[1] incident id. Removes the incident's timer and its
    /// lease. Returns 1 if there was a timer, else 0.
    static let cancel = """
        local removed = redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return removed
        """

    /// KEYS[1] timers, KEYS[2] leases. ARGV[1] now (Unix ms), ARGV[2] the lease's end (Unix ms),
    /// ARGV[3] the most timers to take (≥ 1), ARGV[4] owner.
    /// Takes up to ARGV[3] timers scored ≤ now, lowest first: each is re-scored to the lease's
    /// end (so no other claimer sees it due until then) and leased to the owner. A timer whose
    /// lease ran out is due again and is taken over the same way. Returns the incident ids.
    static let claimDue = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, id in ipairs(ids) do
            redis.call('ZADD', KEYS[1], ARGV[2], id)
            redis.call('HSET', KEYS[2], id, ARGV[4])
        end
        return ids
        """

    /// KEYS[1] timers, KEYS[2] leases. ARGV[1] incident id, ARGV[2] owner.
    /// If the owner still holds the incident's lease, removes the lease and the timer (it fired)
    /// and returns 1. Otherwise returns 0 and changes nothing: the lease ran out and another
    /// claimer took the timer, or the timer was rescheduled or cancelled meanwhile.
    static let complete = """
        if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
            redis.call('HDEL', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[1], ARGV[1])
            return 1
        end
        return 0
        """
}
