// klaxon-email: notify.email → SMTP (libcurl), idempotent per notification id
import AlertCore
import Notify
import WorkerKit
import ChannelWorkers

await ProcessMain.runWorker(process: "klaxon-email") { _, config, _, logger, metrics in
    let templates = MessageTemplates(config: config)
    let notifier = try EmailNotifier(config: config.email, render: { templates.email($0) })
    return ChannelWorker.definition(
        // Batches of twice the SMTP threads, two in flight: every thread stays busy while a
        // batch's claims and records take their one Redis round trip each.
        channel: .email, config: config, redis: SharedRedis(config.redis), batchSize: 2 * config.email.concurrency, concurrency: 2,
        logger: logger, metrics: metrics, deliver: ChannelWorker.deliver(with: notifier))
}
