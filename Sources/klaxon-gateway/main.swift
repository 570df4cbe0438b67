// klaxon-gateway: HTTP → normalized alerts → alerts.ingest (answers 202 after the broker's confirm)
import Foundation
import Gateway
import WorkerKit

let (_, config, logger) = ProcessMain.bootstrap(process: "klaxon-gateway")
let metrics = Metrics()
do {
    let publisher = try GatewayService.makePublisher(config: config, metrics: metrics, logger: logger)
    let gateway = GatewayService(config: config, publisher: publisher, logger: logger, metrics: metrics)
    try gateway.start()
    let stopped = AsyncStream<Void>.makeStream()
    ProcessMain.onTerminate {
        logger.info("stopping: no new connections; answering requests in flight")
        gateway.stop()
        stopped.continuation.finish()
    }
    for await _ in stopped.stream {}
    await publisher.shutdown()
    logger.info("stopped")
    exit(0)
} catch {
    logger.error("cannot start", ["error": "\(error)"])
    exit(1)
}
