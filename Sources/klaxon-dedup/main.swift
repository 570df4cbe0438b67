// klaxon-dedup: alerts.ingest → (Redis window per fingerprint) → alerts.route
import WorkerKit
import DedupWorker

await ProcessMain.runWorker(process: "klaxon-dedup") { _, config, publisher, logger, metrics in
    DedupWorker.definition(config: config, publisher: publisher, redis: SharedRedis(config.redis), logger: logger, metrics: metrics)
}
