import AMQP
import AlertCore

/// Declares the whole broker topology, idempotently, from `Topology`'s names. Every process
/// runs it on connect, so whoever starts first creates it and nobody depends on start order.
///
/// - One durable direct exchange.
/// - Work queues (quorum by default), bound by their own name, dead-lettering broker-side
///   rejections (e.g. a quorum queue's delivery limit, the guard against crash loops) to their DLQ.
/// - A dead-letter queue per work queue, same queue type. A quorum DLQ gets an explicit, very
///   high `x-delivery-limit` (see `deadLetterDeliveryLimit`).
/// - A delay queue per work queue and retry delay: per-queue TTL, then dead-lettered back into
///   the work queue. One queue per delay avoids head-of-line blocking. With quorum work queues
///   the delay queues are quorum queues that dead-letter at least once (see `delayArguments`).
public struct BrokerTopology: Sendable {
    public var topology: Topology
    public var queueType: BrokerConfig.QueueType
    public var retryDelaysMillis: [Int64]
    /// The interval of the escalator's watch queue (`incidents.watch_interval`).
    public var watchIntervalMillis: Int64
    /// A message redelivered this many times (e.g. it crashes its worker) is dead-lettered by
    /// the broker (quorum queues only).
    public static let deliveryLimit: Int64 = 20
    /// Delivery limit of a quorum dead-letter queue. Nothing consumes a DLQ: `klaxonctl dlq`
    /// reads messages with `basic.get` and gives back the ones it keeps, and each give-back counts
    /// as a delivery on quorum queues. RabbitMQ 4.x applies a default limit of 20 to quorum queues
    /// that set none, and a DLQ has no dead-letter target of its own, so its 21st peek would
    /// delete the message. `-1` (unlimited on 4.x) deletes a message on its first give-back on
    /// 3.10, so the limit is a large positive number, valid and effectively unlimited on 3.10,
    /// 3.13 and 4.x. (A policy with a lower `delivery-limit` still wins on 4.x: the lower applies.)
    public static let deadLetterDeliveryLimit: Int64 = 2_147_483_647

    public init(
        topology: Topology, queueType: BrokerConfig.QueueType, retryDelaysMillis: [Int64],
        watchIntervalMillis: Int64 = IncidentsConfig().watchIntervalMillis
    ) {
        self.topology = topology
        self.queueType = queueType
        self.retryDelaysMillis = retryDelaysMillis
        self.watchIntervalMillis = watchIntervalMillis
    }

    public init(config: KlaxonConfig) {
        self.init(
            topology: Topology(namespace: config.broker.namespace), queueType: config.broker.queueType,
            retryDelaysMillis: config.delivery.retryDelaysMillis, watchIntervalMillis: config.incidents.watchIntervalMillis)
    }

    /// The escalator's watch queue: a delay queue like the retry delays, into the escalation
    /// queue.
    public var watchQueue: String { topology.escalationWatchQueue(intervalMillis: watchIntervalMillis) }

    public func declare(on conn: AMQPConnection) throws {
        let ex = topology.exchange
        try conn.declareExchange(ex, type: "direct")
        for queue in topology.workQueues {
            let dlq = topology.deadLetterQueue(of: queue)
            var dlqArgs = typeArguments
            if queueType == .quorum { dlqArgs["x-delivery-limit"] = .int(BrokerTopology.deadLetterDeliveryLimit) }
            try conn.declareQueue(dlq, arguments: dlqArgs)
            try conn.bindQueue(dlq, exchange: ex, routingKey: dlq)

            var args = typeArguments
            args["x-dead-letter-exchange"] = .string(ex)
            args["x-dead-letter-routing-key"] = .string(dlq)
            if queueType == .quorum { args["x-delivery-limit"] = .int(BrokerTopology.deliveryLimit) }
            try conn.declareQueue(queue, arguments: args)
            try conn.bindQueue(queue, exchange: ex, routingKey: queue)

            for delay in retryDelaysMillis {
                let dq = topology.delayQueue(of: queue, delayMillis: delay)
                try conn.declareQueue(dq, arguments: delayArguments(ttlMillis: delay, into: queue))
                try conn.bindQueue(dq, exchange: ex, routingKey: dq)
            }
        }
        try conn.declareQueue(watchQueue, arguments: delayArguments(ttlMillis: watchIntervalMillis, into: topology.escalationQueue))
        try conn.bindQueue(watchQueue, exchange: ex, routingKey: watchQueue)
    }

    /// A delay queue's arguments: each message waits `ttlMillis`, then the broker dead-letters it
    /// into `target`. The broker's dead-lettering is at most once unless the source is a quorum
    /// queue with the `at-least-once` strategy (RabbitMQ 3.10+, which requires `reject-publish`
    /// overflow): from a classic queue, every message whose TTL ends while the broker is stopping,
    /// down or starting (before the quorum target runs again) is dropped without a trace; a
    /// stop or crash of RabbitMQ lost every retry and watch waiting at that moment (found by
    /// `bench/chaos`; `DelayQueueRestartTests`). So with quorum work queues the delay queues are
    /// quorum queues too; classic work queues keep classic delay queues (a single node, no
    /// at-least-once dead-lettering there).
    func delayArguments(ttlMillis: Int64, into target: String) -> [String: HeaderValue] {
        var args: [String: HeaderValue] = [
            "x-message-ttl": .int(ttlMillis),
            "x-dead-letter-exchange": .string(topology.exchange),
            "x-dead-letter-routing-key": .string(target),
        ]
        if queueType == .quorum {
            args["x-queue-type"] = .string(BrokerConfig.QueueType.quorum.rawValue)
            args["x-dead-letter-strategy"] = .string("at-least-once")
            args["x-overflow"] = .string("reject-publish")
        }
        return args
    }

    /// Every queue this topology declares: work queues, their dead-letter and delay queues.
    public var queueNames: [String] {
        topology.workQueues.flatMap { q in
            [q, topology.deadLetterQueue(of: q)] + retryDelaysMillis.map { topology.delayQueue(of: q, delayMillis: $0) }
        } + [watchQueue]
    }

    /// Deletes every queue and the exchange, messages included (tests; operators use
    /// `klaxonctl topology delete`, which checks for messages first).
    public func delete(on conn: AMQPConnection) throws {
        for queue in queueNames { try conn.deleteQueue(queue) }
        try conn.deleteExchange(topology.exchange)
    }

    private var typeArguments: [String: HeaderValue] {
        ["x-queue-type": .string(queueType.rawValue)]
    }
}
