// klaxon-router: alerts.route → (routes) → notify.<channel>
import WorkerKit
import RouterWorker

await ProcessMain.runWorker(process: "klaxon-router") { _, config, publisher, logger, metrics in
    RouterWorker.definition(config: config, publisher: publisher, logger: logger, metrics: metrics)
}
