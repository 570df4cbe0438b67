// klaxon-gateway: HTTP → normalized alerts → alerts.ingest (answers 202 after the broker's confirm)
import Gateway
import WorkerKit

let (_, config, logger) = ProcessMain.bootstrap(process: "klaxon-gateway")
let metrics = Metrics()
await ProcessMain.run(logger: logger) {
    let publisher = try GatewayService.makePublisher(config: config, metrics: metrics, logger: logger)
    let gateway = GatewayService(config: config, publisher: publisher, logger: logger, metrics: metrics)
    // Health is served by the gateway's own HTTP server, on its port.
    return try ServiceGroup(services: [PublisherService(publisher), gateway], logger: logger, metrics: metrics)
}
