import AlertCore
import Foundation
import Redis
import Synchronization
import WorkerKit

extension DedupHandler {
    /// Asks Redis for every item's decision in one pipeline. Redis unreachable: fail open,
    /// hold (retry every second, the batch stays unacked), or, when stopping while holding,
    /// give the batch back to the retry path; see `RedisOutagePolicy`.
    func decide(_ items: [DedupItem]) async -> [Result<DedupDecision, DeliveryError>] {
        var holding = false
        defer { if holding { metrics.held.add(-Double(items.count)) } }
        while true {
            if !outage.shouldTry() {
                // Fail open without waiting on a Redis we know is down (at most one try a second).
                return failOpen(items)
            }
            do {
                let replies = try await evaluate(items)
                if outage.recovered() { logger.info("Redis reachable again: deduplicating") }
                return zip(items, replies).map { item, reply in
                    guard let n = reply.integer else {
                        return .failure(.transient(.serverError, "redis answered \(reply) for \(item.key.key)"))
                    }
                    return .success(item.alert.status == .resolved ? .resolved(reply: n) : .firing(reply: n))
                }
            } catch {
                metrics.redisErrors.inc()
                let policy = RedisOutagePolicy.decide(failOpen: config.failOpen, stopping: outage.isStopping)
                if let n = outage.log.shouldLog("\(error)") {
                    let what =
                        switch policy {
                        case .failOpen: "Redis unreachable: forwarding without dedup (fail open)"
                        case .hold: "Redis unreachable: holding alerts unacked until it returns"
                        case .giveBack: "Redis unreachable while stopping: handing held alerts to the retry queue"
                        }
                    logger.error(what, ["error": "\(error)", "suppressed_repeats": String(n)])
                }
                switch policy {
                case .failOpen:
                    outage.failed(retryAfterMillis: 1000)
                    return failOpen(items)
                case .giveBack:
                    return items.map { _ in .failure(.transient(.network, "redis unreachable; not decided (stopping while holding): \(error)")) }
                case .hold:
                    if !holding {
                        holding = true
                        metrics.held.add(Double(items.count))
                    }
                    await outage.pause(millis: 1000)
                }
            }
        }
    }

    /// Undecided, forwarded anyway: a duplicate page beats a lost one. Resolved still passes.
    private func failOpen(_ items: [DedupItem]) -> [Result<DedupDecision, DeliveryError>] {
        items.map { .success($0.alert.status == .resolved ? .resolved(suppressedRepeats: 0) : .failOpen) }
    }

    /// One pipeline of EVALSHA; commands Redis answers NOSCRIPT for (script cache flushed) are
    /// sent again once with EVAL, which also caches the script. Throws when Redis is unreachable.
    private func evaluate(_ items: [DedupItem]) async throws -> [RedisReply] {
        let shas = try await scripts.digests(redis)
        var replies = try await timed(items.map { command($0, script: shas[$0.alert.status == .resolved ? 1 : 0], evalsha: true) })
        let missing = replies.indices.filter { if case .error(let e) = replies[$0] { return e.hasPrefix("NOSCRIPT") } else { return false } }
        if !missing.isEmpty {
            scripts.forget()
            // A NOSCRIPT command did not run, so running it now decides it exactly once.
            let again = try await timed(
                missing.map { i in
                    command(items[i], script: DedupScripts.all[items[i].alert.status == .resolved ? 1 : 0], evalsha: false)
                })
            for (i, r) in zip(missing, again) { replies[i] = r }
        }
        return replies
    }

    private func command(_ item: DedupItem, script: String, evalsha: Bool) -> [String] {
        let window = RedisKeys.dedupWindow(namespace, item.key.key), repeats = RedisKeys.dedupRepeats(namespace, item.key.key)
        let verb = evalsha ? "EVALSHA" : "EVAL"
        if item.alert.status == .resolved { return [verb, script, "2", window, repeats] }
        return [verb, script, "2", window, repeats, String(item.key.windowMillis), item.alert.id, String(config.repeatsTTLMillis)]
    }

    private func timed(_ commands: [[String]]) async throws -> [RedisReply] {
        let started = DispatchTime.now().uptimeNanoseconds
        let r = try await redis.pipeline(commands)
        metrics.redisSeconds.observe(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return r
    }
}

/// The dedup metrics, registered at start-up so `/metrics` shows them before the first alert.
struct DedupMetrics: Sendable {
    let decisions: Counter
    let redisSeconds: Histogram
    let redisErrors: Counter
    let held: Gauge

    init(_ m: Metrics) {
        decisions = m.counter(
            "klaxon_dedup_decisions_total", "Dedup decisions: passed, suppressed, resolved, fail_open (forwarded undecided: Redis unreachable).")
        redisSeconds = m.histogram("klaxon_dedup_redis_seconds", "Redis round trip of one pipeline (one batch of decisions).")
        redisErrors = m.counter("klaxon_dedup_redis_errors_total", "Pipelines that failed because Redis was unreachable.")
        held = m.gauge("klaxon_dedup_held_messages", "Messages held unacked while Redis is unreachable (fail_open: false).")
        for d in DedupDecision.metricLabels { decisions.inc(["decision": d], by: 0) }
        redisErrors.inc(by: 0)
        held.set(0)
    }

    /// Adds one batch's decisions (one metrics update per label, not per message).
    func count(_ counts: [String: Int]) {
        for (label, n) in counts { decisions.inc(["decision": label], by: Double(n)) }
    }
}

/// What the handler knows about a Redis outage, shared by the batches in flight.
final class RedisOutage: Sendable {
    private let retryAt = Atomic<UInt64>(0)
    private let down = Atomic<Bool>(false)
    private let stop = StopRequest()
    let log = RateLimitedLog()

    /// Fail open: whether to ask Redis now (no more than once a second while it is down).
    func shouldTry() -> Bool { DispatchTime.now().uptimeNanoseconds >= retryAt.load(ordering: .relaxed) }

    func failed(retryAfterMillis: UInt64) {
        down.store(true, ordering: .relaxed)
        retryAt.store(DispatchTime.now().uptimeNanoseconds + retryAfterMillis * 1_000_000, ordering: .relaxed)
    }

    /// `true` once, on the first success after a failure.
    func recovered() -> Bool {
        if !down.load(ordering: .relaxed) { return false }
        return down.exchange(false, ordering: .relaxed)
    }

    func requestStop() { stop.request() }
    var isStopping: Bool { stop.isRequested }

    /// Sleeps up to `millis`, waking early when the process is asked to stop.
    func pause(millis: Int64) async { await stop.pause(millis: millis) }
}
