// klaxon-escalator: escalations (alerts for a policy, watches) + escalations.commands (people's
//   commands) + due timers → incidents in Redis → notify.<channel>
import EscalatorWorker
import OnCallRuntime
import WorkerKit

let (options, config, logger) = ProcessMain.bootstrap(process: "klaxon-escalator")
let metrics = Metrics()
let roster = RosterCache.live(config: config, logger: logger, metrics: metrics)
let redis = SharedRedis(config.redis)
await ProcessMain.run(logger: logger) {
    var timers: [any Service] = []
    return try WorkerHost(
        config: config, logger: logger, metrics: metrics, healthListen: options.healthListen,
        extra: { _ in [roster] + timers }
    ) { publisher in
        let parts = EscalatorWorker.parts(
            config: config, publisher: publisher, redis: redis, logger: logger, metrics: metrics, roster: { roster.roster })
        timers = parts.services
        return parts.definition
    }.group
}
