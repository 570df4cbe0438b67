import Foundation
internal import CRabbitMQ

extension AMQPConnection {
    /// Publishes one message as `mandatory` on a channel in confirm mode (`confirmSelect()`) and
    /// waits for the broker's answer: returns once the broker confirmed it stored the message.
    ///
    /// One publish at a time: the next `basic.ack`/`basic.nack` on the channel is this message's.
    /// Used by `klaxonctl dlq replay`, which must know a message is safe before it removes the
    /// dead-lettered copy.
    ///
    /// Throws `AMQPError`: `isUnroutable` when no queue is bound to the routing key (the broker
    /// returned it: nothing was stored), `.nacked` when the broker refused it, `.confirmTimeout`
    /// when no answer came within `timeoutMillis` (the message may or may not be stored), and
    /// `isUnavailable`/`closedByBroker` when the connection or channel broke.
    public func publishConfirmed(_ m: OutboundMessage, timeoutMillis: Int = 10_000) throws(AMQPError) {
        try publish(m, mandatory: true)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMillis) * 1_000_000
        var returned: String? = nil
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { throw AMQPError(.confirmTimeout) }
            let left = Int((deadline - now) / 1_000_000)
            var tv = timeval(tv_sec: left / 1000, tv_usec: Int((left % 1000) * 1000))
            var frame = amqp_frame_t()
            let rc = amqp_simple_wait_frame_noblock(state, &frame, &tv)
            if rc == AMQP_STATUS_TIMEOUT.rawValue { throw AMQPError(.confirmTimeout) }
            if rc != AMQP_STATUS_OK.rawValue {
                throw AMQPError(.unreachable("connection lost waiting for a confirm: \(String(cString: amqp_error_string2(rc)))"))
            }
            guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { continue }
            switch frame.payload.method.id {
            case AMQP_BASIC_RETURN_METHOD:
                returned = try readReturn(frame.payload.method).reason
            case AMQP_BASIC_ACK_METHOD:
                // A returned message is still acked (it was "handled" by routing it nowhere).
                if let returned { throw AMQPError(.unroutable(returned)) }
                return
            case AMQP_BASIC_NACK_METHOD:
                throw AMQPError(.nacked)
            case AMQP_CHANNEL_CLOSE_METHOD:
                let c = frame.payload.method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                throw AMQPError(.closedByBroker(code: Int(c.reply_code), text: c.reply_text.string))
            case AMQP_CONNECTION_CLOSE_METHOD:
                let c = frame.payload.method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                throw AMQPError(.closedByBroker(code: Int(c.reply_code), text: c.reply_text.string))
            default:
                continue
            }
        }
    }
}

extension AMQPConnection {
    /// Reads the rest of a `basic.return` whose method frame was just read: the returned content
    /// (header and body frames) follows it and must be consumed. Returns the broker's reason and
    /// the message's `correlation_id`, which is how a publisher knows which publish came back.
    func readReturn(_ method: amqp_method_t) throws(AMQPError) -> (reason: String, correlationID: String?) {
        let r = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
        let reason = "\(r.reply_text.string) (exchange \(r.exchange.string), routing key \(r.routing_key.string))"
        var message = amqp_message_t()
        let read = amqp_read_message(state, channel, &message, 0)
        if let e = AMQPConnection.error(read, doing: "read returned message") { throw e }
        defer { amqp_destroy_message(&message) }
        let hasCorrelation = message.properties._flags & amqp_flags_t(AMQP_BASIC_CORRELATION_ID_FLAG) != 0
        return (reason, hasCorrelation ? message.properties.correlation_id.string : nil)
    }
}
