// klaxon-chat --channel dingtalk|wecom|feishu: notify.<channel> → robot webhooks, each robot
// paced by a budget shared in Redis, bursts merged into digests, idempotent per notification.
import AlertCore
import Foundation
import Notify
import WorkerKit
import ChannelWorkers

await ProcessMain.runWorker(process: "klaxon-chat", allowed: ["channel"]) { options, config, _, logger, metrics in
    let name = options.extra["channel"] ?? ""
    guard let channel = Channel(rawValue: name), channel.isChat else {
        FileHandle.standardError.write(Data("klaxon-chat: --channel must be one of \(Channel.chat.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    if !config.chat.robots.contains(where: { $0.platform == channel }) {
        logger.warning("no \(channel.rawValue) robot in chat.robots; notifications for this channel will be dead-lettered")
    }
    let redis = SharedRedis(config.redis)
    let log = logger.with(["channel": channel.rawValue])
    return ChatWorker.definition(
        channel: channel, config: config, redis: redis,
        parts: ChatWorker.parts(channel: channel, config: config, redis: redis, logger: log),
        logger: log, metrics: metrics)
}
