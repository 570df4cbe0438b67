// klaxon-voice --channel voice|sms: notify.<channel> → phone providers (voice.chains), with
// failover, per-callee budgets shared in Redis, idempotent per notification; the voice channel
// also polls the outcome of calls whose receipts cannot reach the gateway.
import AlertCore
import ChannelWorkers
import Foundation
import WorkerKit

let (options, config, logger) = ProcessMain.bootstrap(process: "klaxon-voice", allowed: ["channel"])
let name = options.extra["channel"] ?? ""
guard let channel = Channel(rawValue: name), channel.isPhone else {
    FileHandle.standardError.write(Data("klaxon-voice: --channel must be one of \(Channel.phone.map(\.rawValue).joined(separator: ", "))\n".utf8))
    exit(2)
}
if config.voice.providers.isEmpty {
    logger.warning("no provider in voice.providers; \(channel.rawValue) notifications will be dead-lettered")
}
if channel == .voice && config.gateway.publicURL == nil {
    logger.warning("gateway.public_url is not set: calls only speak (Aliyun IVR calls: keys are polled)")
}
let metrics = Metrics()
let redis = SharedRedis(config.redis)
let log = logger.with(["channel": channel.rawValue])
await ProcessMain.run(logger: logger) {
    var services: [any Service] = []
    return try WorkerHost(
        config: config, logger: log, metrics: metrics, healthListen: options.healthListen, extra: { _ in services }
    ) { publisher in
        let parts = VoiceWorker.parts(channel: channel, config: config, redis: redis, publisher: publisher, logger: log, metrics: metrics)
        services = parts.services
        return parts.definition
    }.group
}
