// klaxon-gateway: HTTP → normalized alerts → alerts.ingest (answers 202 after the broker's confirm);
// also the on-call calendar feeds, and the incident pages of signed links and the incident API
import Gateway
import OnCallRuntime
import WorkerKit

let (options, config, logger) = ProcessMain.bootstrap(process: "klaxon-gateway")
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
    // Health and metrics are answered on the gateway's own port, and also on --health-listen
    // (KLAXON_HEALTH_LISTEN) when one is given on another port: senders past capacity fill the
    // gateway's port (every connection busy, the rest in the kernel's accept queue), and probes
    // and scrapes there time out, so a liveness probe would restart a gateway for being busy.
    return try ServiceGroup(
        services: [PublisherService(publisher), gateway, roster], logger: logger, metrics: metrics,
        healthListen: GatewayService.separateHealthListen(options, config: config.gateway))
}
