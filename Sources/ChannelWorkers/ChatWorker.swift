import AMQP
import AlertCore
import Foundation
import Notify
import Redis
import WorkerKit

/// `klaxon-chat --channel dingtalk|wecom|feishu`: consumes `notify.<channel>`, claims each
/// notification id (`DeliveryClaims`: one sender at a time across replicas; skipped once
/// delivered), and hands the rest to a `ChatDispatcher` that paces each robot within
/// its shared budget and merges what waits into digests. Each delivery is acked only once the
/// message holding its notification was accepted; `ChannelWorker` then records it delivered
/// (one `delivered` key per notification, digests included) before it gives its claim back.
/// Asked to stop, it hands back what waits for a robot's budget (`ChatDispatcher.stop()`).
public enum ChatWorker {
    /// The pieces a chat worker is made of; tests replace the budget or the clock.
    public struct Parts: Sendable {
        public var sender: any ChatSending
        public var budget: any RobotBudget
        public init(sender: any ChatSending, budget: any RobotBudget) {
            self.sender = sender
            self.budget = budget
        }
    }

    /// The standard parts: libcurl sender and the Redis budget.
    public static func parts(channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, logger: Logger) -> Parts {
        Parts(
            sender: ChatSender(
                platform: RobotPlatforms.platform(channel), threads: config.chat.httpThreads,
                timeoutMillis: config.chat.timeoutMillis),
            budget: RedisBudget(redis: redis, logger: logger))
    }

    /// - Precondition: `channel.isChat`.
    public static func definition(
        channel: Channel, config: KlaxonConfig, redis: any RedisCommanding, parts: Parts,
        logger: Logger, metrics: Metrics
    ) -> WorkerDefinition {
        precondition(channel.isChat, "\(channel.rawValue) is not a chat channel")
        let ns = config.broker.namespace
        let chat = config.chat
        let log = logger.with(["channel": channel.rawValue])
        let dispatcher = ChatDispatcher(
            composer: ChatComposer(platform: parts.sender.platform, templates: MessageTemplates(config: config)),
            sender: parts.sender, budget: parts.budget,
            budgetKey: { RedisKeys.chatBudget(ns, channel, $0.name) }, limits: { chat.budget(of: $0) },
            logger: log, metrics: metrics)
        return ChannelWorker.definition(
            channel: channel, config: config, redis: redis, concurrency: chat.maxPending, logger: log,
            metrics: metrics, readiness: { redis.isHealthy ? [] : ["redis"] },
            onStopRequested: { dispatcher.stop() }
        ) { n in
            guard n.recipients.count == 1, let name = n.recipients.first, let robot = chat.robot(named: name), robot.platform == channel else {
                return .failure(
                    .permanent(
                        .invalidPayload,
                        "notification \(n.id) names no \(channel.rawValue) robot of chat.robots: \(n.recipients.joined(separator: ", "))"))
            }
            return await dispatcher.submit(n, robot: robot)
        }
    }
}
