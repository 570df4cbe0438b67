import AMQP
import Foundation

/// Reads a dead-letter queue from head to tail with `basic.get`, holding every message it does
/// not remove unacknowledged, so the caller can give them all back at once by closing the
/// connection (a killed process gives them back the same way).
///
/// Why the whole queue, even to show its head: on RabbitMQ 3.10 a quorum queue puts a message
/// given back after `basic.get` (by nack or by closing the channel) at the *tail* (measured;
/// classic queues and RabbitMQ 4.x quorum queues put it back at the head). Taking every message
/// and giving them back together, in delivery order, leaves the order as it was on every
/// version and queue type. The cost is one round trip per message in the queue.
///
/// The walk stops when the queue is empty, or after `depth + slack` messages if new dead
/// letters keep arriving behind it.
enum DLQWalk {
    static let slack = 10_000

    /// Calls `visit` with each message and its position (from 1); returns how many it read.
    static func run(
        _ queue: String, depth: Int, on conn: AMQPConnection, context ctx: DLQContext,
        visit: (Int, Delivery) throws(CtlError) -> Void
    ) throws(CtlError) -> Int {
        var position = 0
        while position < depth + slack {
            let next: Delivery?
            do { next = try conn.get(queue: queue) } catch { throw ctx.map(error, doing: "read \(queue)") }
            guard let d = next else { break }
            position += 1
            try visit(position, d)
        }
        return position
    }

    /// Gives back every held message by closing `conn`, then waits (up to 5 s) until the broker
    /// shows them ready again, so a command run right after this one sees the whole queue: the
    /// broker returns a closed channel's messages asynchronously. `expected` is how many messages
    /// each queue should hold at least.
    static func giveBack(_ conn: AMQPConnection, expected: [(queue: String, messages: Int)], context ctx: DLQContext) {
        conn.close()
        guard expected.contains(where: { $0.messages > 0 }), let check = try? ctx.connect() else { return }
        defer { check.close() }
        let deadline = Date().addingTimeInterval(5)
        for (queue, messages) in expected where messages > 0 {
            while Date() < deadline, let n = try? check.inspectQueue(queue).messages, n < messages {
                usleep(20_000)
            }
        }
    }
}
