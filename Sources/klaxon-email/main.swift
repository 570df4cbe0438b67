// klaxon-email: notify.email → SMTP (libcurl), idempotent per notification id
import AlertCore
import Notify
import WorkerKit
import ChannelWorkers

await ProcessMain.runWorker(process: "klaxon-email") { _, config, _, logger, metrics in
    let templates = MessageTemplates(config: config)
    let notifier = try EmailNotifier(config: config.email, render: { templates.email($0) })
    return ChannelWorker.definition(
        channel: .email, config: config, redis: SharedRedis(config.redis), concurrency: config.email.concurrency,
        logger: logger, metrics: metrics, deliver: ChannelWorker.deliver(with: notifier))
}
