// klaxon-router: alerts.route → (routes; schedules → people on call) → notify.<channel>
import OnCallRuntime
import RouterWorker
import WorkerKit

let (options, config, logger) = ProcessMain.bootstrap(process: "klaxon-router")
let metrics = Metrics()
// Run-time overrides come from Redis (klaxonctl oncall override); routing goes on without it.
let redis = SharedRedis(config.redis)
let roster = RosterCache(
    config: config, store: OverrideStore(redis: redis, namespace: config.broker.namespace),
    copies: CalendarCopies(redis: redis, namespace: config.broker.namespace), logger: logger, metrics: metrics)
await ProcessMain.run(logger: logger) {
    try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: options.healthListen, extra: { _ in [roster] }) { publisher in
        RouterWorker.definition(config: config, publisher: publisher, logger: logger, metrics: metrics, roster: { roster.roster })
    }.group
}
