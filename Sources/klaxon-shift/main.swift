// klaxon-shift: schedules' hand-overs (roster at each tick) → announcements claimed once in
// Redis → notify.<channel>
import OnCallRuntime
import ShiftWorker
import WorkerKit

let (options, config, logger) = ProcessMain.bootstrap(process: "klaxon-shift")
let metrics = Metrics()
let roster = RosterCache.live(config: config, logger: logger, metrics: metrics)
let redis = SharedRedis(config.redis)
await ProcessMain.run(logger: logger) {
    let publisher = try WorkerHost.makePublisher(config: config, metrics: metrics, logger: logger)
    let services = ShiftWorker.services(
        config: config, publisher: publisher, redis: redis, logger: logger, metrics: metrics, roster: { roster.roster },
        rosterComplete: { roster.isComplete }, extra: [roster])
    return try ServiceGroup(services: services, logger: logger, metrics: metrics, healthListen: options.healthListen)
}
