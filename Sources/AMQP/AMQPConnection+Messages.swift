import Foundation
internal import CRabbitMQ

extension AMQPConnection {
    /// Puts the channel in publisher-confirm mode: every publish is then acked or nacked by the
    /// broker with delivery tags 1, 2, 3, … in publish order.
    public func confirmSelect() throws(AMQPError) {
        amqp_confirm_select(state, channel)
        try check("confirm.select")
    }

    /// Publishes one persistent message. With confirms on, the caller waits for its tag.
    /// `mandatory` asks the broker to return the message (`basic.return`) when no queue is bound
    /// to its routing key, instead of confirming and dropping it.
    ///
    /// `correlationID` travels in the message's `correlation_id` property, so a `basic.return`
    /// (which carries no delivery tag) can be matched to its publish.
    public func publish(_ m: OutboundMessage, mandatory: Bool = false, correlationID: String? = nil) throws(AMQPError) {
        var props = amqp_basic_properties_t()
        props._flags = amqp_flags_t(AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG)
        props.delivery_mode = 2  // persistent
        props.timestamp = UInt64(Date().timeIntervalSince1970)
        let rc: Int32 = "application/json".withCString { ct in
            props.content_type = amqp_cstring_bytes(ct)
            return (correlationID ?? "").withCString { cid in
                if correlationID != nil {
                    props._flags |= amqp_flags_t(AMQP_BASIC_CORRELATION_ID_FLAG)
                    props.correlation_id = amqp_cstring_bytes(cid)
                }
                return (m.messageID ?? "").withCString { mid in
                    if m.messageID != nil {
                        props._flags |= amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG)
                        props.message_id = amqp_cstring_bytes(mid)
                    }
                    return HeaderTable.with(m.headers) { table in
                        if !m.headers.isEmpty {
                            props._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
                            props.headers = table
                        }
                        return m.exchange.withCString { ex in
                            m.routingKey.withCString { rk in
                                m.body.withUnsafeBytes { body in
                                    let b = amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress))
                                    return amqp_basic_publish(
                                        state, channel, amqp_cstring_bytes(ex), amqp_cstring_bytes(rk), mandatory ? 1 : 0, 0, &props, b)
                                }
                            }
                        }
                    }
                }
            }
        }
        if rc != AMQP_STATUS_OK.rawValue {
            throw AMQPError(.library("publish to \(m.routingKey): \(String(cString: amqp_error_string2(rc)))"))
        }
    }

    /// How many unacknowledged messages the broker sends this consumer at once.
    public func qos(prefetch: Int) throws(AMQPError) {
        amqp_basic_qos(state, channel, 0, UInt16(clamping: prefetch), 0)
        try check("basic.qos")
    }

    /// Starts consuming with manual acks; returns the consumer tag.
    @discardableResult
    public func consume(queue: String) throws(AMQPError) -> String {
        var tag = ""
        queue.withCString { q in
            if let ok = amqp_basic_consume(state, channel, amqp_cstring_bytes(q), amqp_empty_bytes, 0, 0, 0, amqp_empty_table) {
                tag = ok.pointee.consumer_tag.string
            }
        }
        try check("consume \(queue)")
        return tag
    }

    public func cancel(consumerTag: String) throws(AMQPError) {
        consumerTag.withCString { t in _ = amqp_basic_cancel(state, channel, amqp_cstring_bytes(t)) }
        try check("basic.cancel")
    }

    public func ack(_ tag: UInt64, multiple: Bool = false) throws(AMQPError) {
        let rc = amqp_basic_ack(state, channel, tag, multiple ? 1 : 0)
        if rc != 0 { throw AMQPError(.library("ack: \(String(cString: amqp_error_string2(rc)))")) }
    }

    public func nack(_ tag: UInt64, requeue: Bool) throws(AMQPError) {
        let rc = amqp_basic_nack(state, channel, tag, 0, requeue ? 1 : 0)
        if rc != 0 { throw AMQPError(.library("nack: \(String(cString: amqp_error_string2(rc)))")) }
    }

    /// Fetches one message without a consumer (`basic.get`), or `nil` when the queue is empty.
    /// Used by `klaxonctl` to walk a dead-letter queue.
    public func get(queue: String, generation: Int = 0) throws(AMQPError) -> Delivery? {
        let reply = queue.withCString { q in amqp_basic_get(state, channel, amqp_cstring_bytes(q), 0) }
        if let e = AMQPConnection.error(reply, doing: "get from \(queue)") { throw e }
        guard reply.reply.id == AMQP_BASIC_GET_OK_METHOD else { return nil }
        let ok = reply.reply.decoded.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
        var message = amqp_message_t()
        let r = amqp_read_message(state, channel, &message, 0)
        if let e = AMQPConnection.error(r, doing: "read message from \(queue)") { throw e }
        defer { amqp_destroy_message(&message) }
        var d = AMQPConnection.delivery(
            tag: ok.delivery_tag, generation: generation, exchange: ok.exchange, routingKey: ok.routing_key,
            redelivered: ok.redelivered != 0, message: message)
        d.remaining = Int(ok.message_count)
        return d
    }

    /// Waits up to `timeoutMillis` for the next delivery on a consuming channel.
    /// Returns `nil` on timeout. Non-delivery frames (a confirm on a shared connection, a
    /// channel close) are handled here: closes throw.
    func nextDelivery(timeoutMillis: Int, generation: Int) throws(AMQPError) -> Delivery? {
        var envelope = amqp_envelope_t()
        var tv = timeval(tv_sec: timeoutMillis / 1000, tv_usec: Int((timeoutMillis % 1000) * 1000))
        amqp_maybe_release_buffers(state)
        let r = amqp_consume_message(state, &envelope, &tv, 0)
        switch r.reply_type {
        case AMQP_RESPONSE_NORMAL:
            defer { amqp_destroy_envelope(&envelope) }
            return AMQPConnection.delivery(
                tag: envelope.delivery_tag, generation: generation, exchange: envelope.exchange,
                routingKey: envelope.routing_key, redelivered: envelope.redelivered != 0, message: envelope.message)
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where r.library_error == AMQP_STATUS_TIMEOUT.rawValue:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION where r.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
            // A frame other than basic.deliver: read it and decide (see amqp_consumer.c).
            var frame = amqp_frame_t()
            let rc = amqp_simple_wait_frame(state, &frame)
            if rc != AMQP_STATUS_OK.rawValue { throw AMQPError(.library("wait frame: \(String(cString: amqp_error_string2(rc)))")) }
            if frame.frame_type == UInt8(AMQP_FRAME_METHOD) {
                switch frame.payload.method.id {
                case AMQP_CHANNEL_CLOSE_METHOD:
                    let m = frame.payload.method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                    throw AMQPError(.closedByBroker(code: Int(m.reply_code), text: m.reply_text.string))
                case AMQP_CONNECTION_CLOSE_METHOD:
                    let m = frame.payload.method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                    throw AMQPError(.closedByBroker(code: Int(m.reply_code), text: m.reply_text.string))
                case AMQP_BASIC_CANCEL_METHOD:
                    throw AMQPError(.closedByBroker(code: 0, text: "the broker cancelled the consumer (queue deleted?)"))
                default:
                    return nil  // basic.ack of a confirm, basic.return: nothing for a consumer.
                }
            }
            return nil
        default:
            if let e = AMQPConnection.error(r, doing: "consume") { throw e }
            return nil
        }
    }

    static func delivery(
        tag: UInt64, generation: Int, exchange: amqp_bytes_t, routingKey: amqp_bytes_t, redelivered: Bool,
        message: amqp_message_t
    ) -> Delivery {
        let p = message.properties
        let flags = UInt32(p._flags)
        let headers = flags & UInt32(AMQP_BASIC_HEADERS_FLAG) != 0 ? HeaderTable.read(p.headers) : [:]
        let mid = flags & UInt32(AMQP_BASIC_MESSAGE_ID_FLAG) != 0 ? p.message_id.string : nil
        let ts = flags & UInt32(AMQP_BASIC_TIMESTAMP_FLAG) != 0 ? Int64(p.timestamp) * 1000 : nil
        return Delivery(
            deliveryTag: tag, generation: generation, exchange: exchange.string, routingKey: routingKey.string,
            redelivered: redelivered, body: message.body.array, headers: headers, messageID: mid, timestamp: ts)
    }
}
