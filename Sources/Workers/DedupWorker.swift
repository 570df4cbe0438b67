import AMQP
import AlertCore
import Foundation
import Redis
import WorkerKit

/// `klaxon-dedup`: forwards the first alert of a fingerprint inside the window and suppresses
/// repeats; `resolved` always passes and clears the window. Decisions for a whole batch go to
/// Redis in one pipeline. Redis down: fail open (forward) by default, or hold the batch unacked
/// until Redis answers.
public enum DedupWorker {
    /// KEYS[1] window key, KEYS[2] repeat counter; ARGV[1] window ms, ARGV[2] alert id.
    /// Returns the repeats suppressed before this alert (>= 0) when it passes, -1 when suppressed.
    /// A redelivery of the alert that opened the window (same id) passes again: forwarding it
    /// may have failed before the crash.
    static let firingScript = """
        if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then
          local n = tonumber(redis.call('GET', KEYS[2]) or '0')
          redis.call('DEL', KEYS[2])
          return n
        end
        if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end
        redis.call('INCR', KEYS[2])
        redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 2)
        return -1
        """

    public static func definition(config: KlaxonConfig, publisher: Publisher, redis: SharedRedis, logger: Logger, metrics: Metrics) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let ns = config.broker.namespace
        let window = String(config.dedup.windowMillis)
        let decisions = metrics.counter("klaxon_dedup_decisions_total", "Dedup decisions: passed, suppressed, resolved, fail_open.")
        let redisSeconds = metrics.histogram("klaxon_dedup_redis_seconds", "Redis round trip per batch.")
        let redisLog = RateLimitedLog()

        let handler: BatchHandler = { batch in
            var results = [Result<Void, DeliveryError>](repeating: .success(()), count: batch.count)
            var alerts: [(index: Int, alert: Alert)] = []
            for (i, d) in batch.enumerated() {
                do { alerts.append((i, try Codec.decode(Alert.self, from: d.body))) } catch {
                    results[i] = .failure(.permanent(.unparseable, "not a normalized alert: \(error)"))
                }
            }
            let commands: [[String]] = alerts.map { _, a in
                let key = RedisKeys.dedupWindow(ns, a.fingerprint), repeats = RedisKeys.dedupRepeats(ns, a.fingerprint)
                return a.status == .resolved
                    ? ["DEL", key, repeats]
                    : ["EVAL", firingScript, "2", key, repeats, window, a.id]
            }
            var replies: [RedisReply]? = nil
            while replies == nil && !commands.isEmpty {
                let started = DispatchTime.now().uptimeNanoseconds
                do {
                    replies = try await redis.pipeline(commands)
                    redisSeconds.observe(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                } catch {
                    if let n = redisLog.shouldLog("\(error)") {
                        logger.error(config.dedup.failOpen ? "Redis unreachable: forwarding without dedup (fail open)" : "Redis unreachable: holding alerts until it returns",
                                     ["error": "\(error)", "suppressed_repeats": String(n)])
                    }
                    if config.dedup.failOpen { break }
                    try? await Task.sleep(for: .seconds(1))
                }
            }

            var forward: [OutboundMessage] = []
            var forwardIndex: [Int] = []
            for (j, (i, alert)) in alerts.enumerated() {
                var out = alert
                var body = batch[i].body
                if let r = replies?[j] {
                    if case .error(let e) = r {
                        results[i] = .failure(.transient(.serverError, "redis: \(e)"))
                        continue
                    }
                    if alert.status == .resolved {
                        decisions.inc(["decision": "resolved"])
                    } else if let n = r.integer, n < 0 {
                        decisions.inc(["decision": "suppressed"])
                        continue
                    } else {
                        decisions.inc(["decision": "passed"])
                        if let n = r.integer, n > 0 {
                            out.suppressedRepeats = Int(n)
                            body = Codec.encode(out)
                        }
                    }
                } else {
                    decisions.inc(["decision": "fail_open"])
                }
                forward.append(OutboundMessage(exchange: topology.exchange, routingKey: topology.routeQueue, body: body, messageID: alert.id))
                forwardIndex.append(i)
            }
            if !forward.isEmpty {
                do { try await publisher.publish(forward) } catch {
                    for i in forwardIndex { results[i] = .failure(.transient(.network, "forward to \(topology.routeQueue): \(error)")) }
                }
            }
            return results
        }
        return WorkerDefinition(name: "klaxon-dedup", queue: topology.ingestQueue, batchSize: 256, concurrency: 2, handler: handler,
                                readiness: { redis.isHealthy || config.dedup.failOpen ? [] : ["redis"] },
                                onStop: { redis.close() })
    }
}
