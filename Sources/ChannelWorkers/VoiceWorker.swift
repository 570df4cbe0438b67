import AlertCore
import Foundation
import Notify
import Redis
import WorkerKit

/// `klaxon-voice --channel voice|sms`: consumes `notify.voice` or `notify.sms` through the
/// shared `ChannelWorker` policy (claims, idempotency, retries, dead letters) and delivers each
/// notification through a `VoiceDispatcher` (provider chains, failover, per-callee budgets).
public enum VoiceWorker {
    /// The standard providers (libcurl) and the Redis budget shared by every replica.
    public static func dispatcher(channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, logger: Logger, metrics: Metrics)
        -> VoiceDispatcher
    {
        let http = VoiceHTTP(threads: config.voice.httpThreads, timeoutMillis: config.voice.timeoutMillis)
        return VoiceDispatcher(
            channel: channel, config: config, providers: VoiceProviders.make(config.voice, publicURL: config.gateway.publicURL, http: http),
            budget: RedisBudget(redis: redis, logger: logger), logger: logger, metrics: metrics)
    }

    /// - Precondition: `channel.isPhone`.
    public static func definition(
        channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, dispatcher: VoiceDispatcher, logger: Logger, metrics: Metrics
    ) -> WorkerDefinition {
        precondition(channel.isPhone, "\(channel.rawValue) is not a phone channel")
        return ChannelWorker.definition(
            channel: channel, config: config, redis: redis, concurrency: max(config.voice.httpThreads, 1), logger: logger,
            metrics: metrics, readiness: { redis.isHealthy ? [] : ["redis"] }
        ) { n in await dispatcher.deliver(n) }
    }
}
