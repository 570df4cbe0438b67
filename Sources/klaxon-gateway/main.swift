// klaxon-gateway: HTTP → normalized alerts → alerts.ingest (answers 202 after the broker's confirm);
// also the on-call calendar feeds, and the incident pages of signed links and the incident API
import Gateway
import OnCallRuntime
import WorkerKit

let (_, config, logger) = ProcessMain.bootstrap(process: "klaxon-gateway")
let metrics = Metrics()
// Run-time overrides for the calendar feeds come from Redis; with Redis down the feeds keep the
// last roster read, and alerts are unaffected (the roster is not part of /readyz).
let roster = RosterCache.live(config: config, logger: logger, metrics: metrics)
// The escalator's incidents, for the incident pages and API (Redis down: those answer 503, and
// alerts are unaffected, so Redis is not part of /readyz either).
let incidents = SharedRedis(config.redis)
await ProcessMain.run(logger: logger) {
    let publisher = try GatewayService.makePublisher(config: config, metrics: metrics, logger: logger)
    let gateway = GatewayService(
        config: config, publisher: publisher, logger: logger, metrics: metrics, roster: { roster.roster }, redis: incidents)
    // Health is served by the gateway's own HTTP server, on its port.
    return try ServiceGroup(services: [PublisherService(publisher), gateway, roster], logger: logger, metrics: metrics)
}
