import AMQP
import AlertCore
import Foundation
import Notify
import WorkerKit

/// `klaxon-chat --channel dingtalk|wecom|feishu`: consumes `notify.<channel>`, claims each
/// notification id (`DeliveryClaims`: one sender at a time across replicas; skipped once
/// delivered), and hands the rest to a `ChatDispatcher` that paces each robot within
/// its shared budget and merges what waits into digests. Each delivery is acked only once the
/// message holding its notification was accepted and recorded (one `delivered` key per
/// notification, digests included), so a redelivery never pages twice while the record lives.
public enum ChatWorker {
    /// The pieces a chat worker is made of; tests replace the budget or the clock.
    public struct Parts: Sendable {
        public var sender: ChatSender
        public var budget: any RobotBudget
        public init(sender: ChatSender, budget: any RobotBudget) {
            self.sender = sender
            self.budget = budget
        }
    }

    /// The standard parts: libcurl sender and the Redis budget.
    public static func parts(channel: Channel, config: KlaxonConfig, redis: SharedRedis, logger: Logger) -> Parts {
        Parts(sender: ChatSender(platform: RobotPlatforms.platform(channel), threads: config.chat.httpThreads,
                                 timeoutMillis: config.chat.timeoutMillis),
              budget: RedisBudget(redis: redis, logger: logger))
    }

    /// - Precondition: `channel.isChat`.
    public static func definition(channel: Channel, config: KlaxonConfig, redis: SharedRedis, parts: Parts,
                                  logger: Logger, metrics: Metrics) -> WorkerDefinition {
        precondition(channel.isChat, "\(channel.rawValue) is not a chat channel")
        let ns = config.broker.namespace
        let chat = config.chat
        let log = logger.with(["channel": channel.rawValue])
        let claims = DeliveryClaims(config: config, redis: redis, logger: log)
        let stats = DeliveryMetrics(metrics, channel: channel)

        let record: ChatDispatcher.Record = { delivered in
            await claims.delivered(delivered.map(\.id))
            delivered.forEach(stats.delivered)
            log.info("delivered", ["notifications": delivered.map(\.id).joined(separator: ","), "robot": delivered.first?.recipients.first ?? ""])
        }
        let dispatcher = ChatDispatcher(
            composer: ChatComposer(platform: parts.sender.platform, templates: MessageTemplates(config: config)),
            sender: parts.sender, budget: parts.budget,
            budgetKey: { RedisKeys.chatBudget(ns, channel, $0.name) }, limits: { chat.budget(of: $0) },
            record: record, logger: log, metrics: metrics)

        let handler = perMessage { d in
            let n: AlertNotification
            do { n = try Codec.decode(AlertNotification.self, from: d.body) } catch {
                return .failure(.permanent(.unparseable, "not a notification: \(error)"))
            }
            let r = await handle(n, channel: channel, chat: chat, dispatcher: dispatcher, claims: claims, stats: stats, log: log)
            if case .failure(let e) = r { stats.failure(e) }
            return r
        }
        return WorkerDefinition(name: "klaxon-chat-\(channel.rawValue)", queue: Topology(namespace: ns).notifyQueue(channel), batchSize: 1,
                                concurrency: chat.maxPending, handler: handler, readiness: { redis.isHealthy ? [] : ["redis"] },
                                onStop: { redis.close() })
    }

    static func handle(_ n: AlertNotification, channel: Channel, chat: ChatConfig, dispatcher: ChatDispatcher,
                       claims: DeliveryClaims, stats: DeliveryMetrics, log: Logger) async -> Result<Void, DeliveryError> {
        guard n.channel == channel.rawValue else {
            return .failure(.permanent(.invalidPayload, "notification \(n.id) is for channel \(n.channel), not \(channel.rawValue)"))
        }
        guard n.recipients.count == 1, let name = n.recipients.first, let robot = chat.robot(named: name), robot.platform == channel else {
            return .failure(.permanent(.invalidPayload,
                                       "notification \(n.id) names no \(channel.rawValue) robot of chat.robots: \(n.recipients.joined(separator: ", "))"))
        }
        let claim = await claims.claim(n.id)
        switch claim {
        case .delivered:
            stats.duplicate()
            log.info("already delivered; skipping redelivery", ["notification": n.id])
            return .success(())
        case .held:
            return .failure(DeliveryClaims.heldElsewhere(n.id))
        case .granted, .unknown:
            let result = await dispatcher.submit(n, robot: robot)
            await claims.release(n.id, claim)
            return result
        }
    }
}
