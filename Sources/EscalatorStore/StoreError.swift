import Redis

/// Redis answered an escalator store's command with something it did not expect (an error
/// reply, a reply of the wrong shape, a stored incident that does not decode). Unreachable Redis
/// is the `RedisError` the `RedisCommanding` call throws.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    /// `escalator store: …`.
    public var description: String { "escalator store: \(message)" }

    /// The integer of `reply`, or an error naming `what` and the reply.
    static func integer(_ reply: RedisReply, _ what: String) throws -> Int64 {
        guard let n = reply.integer else { throw StoreError("\(what): unexpected reply \(reply)") }
        return n
    }

    /// `reply` unless it is an error reply.
    static func checked(_ reply: RedisReply, _ what: String) throws -> RedisReply {
        if case .error(let e) = reply { throw StoreError("\(what): \(e)") }
        return reply
    }
}
