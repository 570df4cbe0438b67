/// A message header value. Klaxon writes strings and integers; other AMQP field types read from
/// foreign messages arrive as their text rendering.
public enum HeaderValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case int(Int64)

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        }
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): i
        case .string(let s): Int64(s)
        }
    }
}

/// A message to publish.
public struct OutboundMessage: Sendable {
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var headers: [String: HeaderValue]
    /// Message id property (Klaxon's alert or notification id), for tracing in the broker UI.
    public var messageID: String?

    public init(exchange: String, routingKey: String, body: [UInt8], headers: [String: HeaderValue] = [:], messageID: String? = nil) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.headers = headers
        self.messageID = messageID
    }
}

/// A message received from a queue.
public struct Delivery: Sendable {
    public var deliveryTag: UInt64
    /// Connection generation: tags from an older connection are void after a reconnect.
    public var generation: Int
    public var exchange: String
    public var routingKey: String
    public var redelivered: Bool
    public var body: [UInt8]
    public var headers: [String: HeaderValue]
    public var messageID: String?
    /// Milliseconds since the epoch when published, if the publisher set it.
    public var timestamp: Int64?
    /// For `basic.get`: messages left in the queue after this one.
    public var remaining: Int?

    public init(
        deliveryTag: UInt64, generation: Int, exchange: String, routingKey: String, redelivered: Bool,
        body: [UInt8], headers: [String: HeaderValue], messageID: String? = nil, timestamp: Int64? = nil
    ) {
        self.deliveryTag = deliveryTag
        self.generation = generation
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
        self.body = body
        self.headers = headers
        self.messageID = messageID
        self.timestamp = timestamp
    }
}
