// klaxon-router: alerts.route → (routes; schedules → people on call) → notify.<channel>
import OnCallRuntime
import RouterWorker
import WorkerKit

let (options, config, logger) = ProcessMain.bootstrap(process: "klaxon-router")
let metrics = Metrics()
// Run-time overrides and URL calendars come from Redis; routing goes on without it.
let roster = RosterCache.live(config: config, logger: logger, metrics: metrics)
await ProcessMain.run(logger: logger) {
    try WorkerHost(config: config, logger: logger, metrics: metrics, healthListen: options.healthListen, extra: { _ in [roster] }) { publisher in
        RouterWorker.definition(config: config, publisher: publisher, logger: logger, metrics: metrics, roster: { roster.roster })
    }.group
}
