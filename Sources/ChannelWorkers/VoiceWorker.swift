import AMQP
import AlertCore
import Foundation
import Notify
import Redis
import WorkerKit

/// `klaxon-voice --channel voice|sms`: consumes `notify.voice` or `notify.sms` through the
/// shared `ChannelWorker` policy (claims, idempotency, retries, dead letters) and delivers each
/// notification through a `VoiceDispatcher` (provider chains, failover, per-callee budgets).
/// The voice channel also runs the `VoiceOutcomePoller` (calls whose outcome is polled).
public enum VoiceWorker {
    /// The standard providers (libcurl) and the Redis budget shared by every replica.
    public static func dispatcher(
        channel: Channel, config: KlaxonConfig, providers: [String: any VoiceProvider], redis: any RedisCommanding, logger: Logger,
        metrics: Metrics, outcomes: (any MessagePublishing)? = nil
    ) -> VoiceDispatcher {
        VoiceDispatcher(
            channel: channel, config: config, providers: providers, budget: RedisBudget(redis: redis, logger: logger), logger: logger,
            metrics: metrics, redis: redis, outcomes: outcomes)
    }

    /// The worker definition and the services beside it (the poller, for the voice channel),
    /// built around the host's `publisher`.
    /// - Precondition: `channel.isPhone`.
    public static func parts(
        channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, publisher: any MessagePublishing, logger: Logger, metrics: Metrics
    ) -> (definition: WorkerDefinition, services: [any Service]) {
        let http = VoiceHTTP(threads: config.voice.httpThreads, timeoutMillis: config.voice.timeoutMillis)
        let providers = VoiceProviders.make(config.voice, publicURL: config.gateway.publicURL, http: http)
        let dispatcher = dispatcher(
            channel: channel, config: config, providers: providers, redis: redis, logger: logger, metrics: metrics, outcomes: publisher)
        var services: [any Service] = []
        if channel == .voice, providers.values.contains(where: { $0 is any VoiceOutcomePolling }) {
            let poller = VoiceOutcomePoller(
                config: config, queue: VoicePollQueue(redis: redis, namespace: config.broker.namespace), providers: providers,
                publisher: publisher, logger: logger.with(["part": "poller"]), metrics: metrics)
            services.append(PeriodicService(name: "voice-poller", every: .seconds(1)) { await poller.tick() })
        }
        return (definition(channel: channel, config: config, redis: redis, dispatcher: dispatcher, logger: logger, metrics: metrics), services)
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
