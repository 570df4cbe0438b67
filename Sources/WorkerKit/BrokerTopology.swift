import AMQP
import AlertCore

/// Declares the whole broker topology, idempotently, from `Topology`'s names. Every process
/// runs it on connect, so whoever starts first creates it and nobody depends on start order.
///
/// - One durable direct exchange.
/// - Work queues (quorum by default), bound by their own name, dead-lettering broker-side
///   rejections (e.g. a quorum queue's delivery limit, the guard against crash loops) to their DLQ.
/// - A dead-letter queue per work queue, same queue type.
/// - A classic delay queue per work queue and retry delay: per-queue TTL, then dead-lettered
///   back into the work queue. One queue per delay avoids head-of-line blocking.
public struct BrokerTopology: Sendable {
    public var topology: Topology
    public var queueType: BrokerConfig.QueueType
    public var retryDelaysMillis: [Int64]
    /// A message redelivered this many times (e.g. it crashes its worker) is dead-lettered by
    /// the broker (quorum queues only).
    public static let deliveryLimit: Int64 = 20

    public init(topology: Topology, queueType: BrokerConfig.QueueType, retryDelaysMillis: [Int64]) {
        self.topology = topology
        self.queueType = queueType
        self.retryDelaysMillis = retryDelaysMillis
    }

    public init(config: KlaxonConfig) {
        self.init(topology: Topology(namespace: config.broker.namespace), queueType: config.broker.queueType,
                  retryDelaysMillis: config.delivery.retryDelaysMillis)
    }

    public func declare(on conn: AMQPConnection) throws {
        let ex = topology.exchange
        try conn.declareExchange(ex, type: "direct")
        for queue in topology.workQueues {
            let dlq = topology.deadLetterQueue(of: queue)
            try conn.declareQueue(dlq, arguments: typeArguments)
            try conn.bindQueue(dlq, exchange: ex, routingKey: dlq)

            var args = typeArguments
            args["x-dead-letter-exchange"] = .string(ex)
            args["x-dead-letter-routing-key"] = .string(dlq)
            if queueType == .quorum { args["x-delivery-limit"] = .int(BrokerTopology.deliveryLimit) }
            try conn.declareQueue(queue, arguments: args)
            try conn.bindQueue(queue, exchange: ex, routingKey: queue)

            for delay in retryDelaysMillis {
                let dq = topology.delayQueue(of: queue, delayMillis: delay)
                try conn.declareQueue(dq, arguments: [
                    "x-message-ttl": .int(delay),
                    "x-dead-letter-exchange": .string(ex),
                    "x-dead-letter-routing-key": .string(queue),
                ])
                try conn.bindQueue(dq, exchange: ex, routingKey: dq)
            }
        }
    }

    /// Deletes every queue and the exchange (tests, and `klaxonctl` never).
    public func delete(on conn: AMQPConnection) throws {
        for queue in topology.workQueues {
            try conn.deleteQueue(queue)
            try conn.deleteQueue(topology.deadLetterQueue(of: queue))
            for delay in retryDelaysMillis { try conn.deleteQueue(topology.delayQueue(of: queue, delayMillis: delay)) }
        }
        try conn.deleteExchange(topology.exchange)
    }

    private var typeArguments: [String: HeaderValue] {
        ["x-queue-type": .string(queueType.rawValue)]
    }
}
