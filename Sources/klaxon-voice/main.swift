// klaxon-voice --channel voice|sms: notify.<channel> → phone providers (voice.chains), with
// failover, per-callee budgets shared in Redis, idempotent per notification.
import AlertCore
import ChannelWorkers
import Foundation
import WorkerKit

await ProcessMain.runWorker(process: "klaxon-voice", allowed: ["channel"]) { options, config, _, logger, metrics in
    let name = options.extra["channel"] ?? ""
    guard let channel = Channel(rawValue: name), channel.isPhone else {
        FileHandle.standardError.write(Data("klaxon-voice: --channel must be one of \(Channel.phone.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    if config.voice.providers.isEmpty {
        logger.warning("no provider in voice.providers; \(channel.rawValue) notifications will be dead-lettered")
    }
    if channel == .voice && config.gateway.publicURL == nil {
        logger.warning("gateway.public_url is not set: calls only speak, no key can acknowledge")
    }
    let redis = SharedRedis(config.redis)
    let log = logger.with(["channel": channel.rawValue])
    return VoiceWorker.definition(
        channel: channel, config: config, redis: redis,
        dispatcher: VoiceWorker.dispatcher(channel: channel, config: config, redis: redis, logger: log, metrics: metrics),
        logger: log, metrics: metrics)
}
