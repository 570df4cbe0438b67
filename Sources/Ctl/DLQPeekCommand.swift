import AMQP
import Foundation

/// `klaxonctl dlq peek QUEUE [--limit N] [--json]`: shows the first N messages (default 20)
/// without removing or reordering them: the whole queue is read and given back at once (see
/// `DLQWalk` for why).
enum DLQPeekCommand {
    static func run(_ a: Arguments, context ctx: DLQContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("dlq peek: give one QUEUE") }
        let limit = try a.int("limit", min: 1) ?? 20
        let dlq = try ctx.resolve(a.positional[0])
        let conn = try ctx.connect()
        defer { conn.close() }
        let depth = try ctx.depth(dlq, on: conn)
        var messages: [DeadLetter] = []
        let total = try DLQWalk.run(dlq, depth: depth, on: conn, context: ctx) { position, d throws(CtlError) in
            if position <= limit { messages.append(DeadLetter(d, position: position, deadLetterQueue: dlq)) }
        }
        DLQWalk.giveBack(conn, expected: [(dlq, total)], context: ctx)  // in order, before anything is printed

        let now = Date()
        if a.has("json") {
            for m in messages { io.out(Output.json(record(m, now: now))) }
            return .ok
        }
        let rows = messages.map { m in
            [
                String(m.position), m.displayID, Output.age(m.ageSeconds(now: now)), String(m.attempts), m.source ?? "-",
                Output.clip(m.displayTitle, 48), Output.clip(m.reason.isEmpty ? m.lastError : m.reason, 80),
            ]
        }
        for line in Output.table(["#", "ID", "AGE", "ATTEMPTS", "SOURCE", "TITLE", "REASON"], rows) { io.out(line) }
        io.out("\(messages.count) of \(total) message\(total == 1 ? "" : "s") in \(dlq) shown; nothing was removed")
        return .ok
    }

    /// Everything a script may want about one message, the body included as text.
    static func record(_ m: DeadLetter, now: Date) -> [String: Any] {
        [
            "position": m.position, "message_id": Output.orNull(m.messageID), "notification_id": Output.orNull(m.notificationID),
            "title": Output.orNull(m.title), "source": Output.orNull(m.source), "labels": m.labels, "parseable": m.parseable,
            "reason": m.reason, "last_error": m.lastError, "attempts": m.attempts,
            "failed_at": Output.orNull(m.failedAt.map { Date.ISO8601FormatStyle().format($0) }),
            "age_seconds": Output.orNull(m.ageSeconds(now: now)), "origin_queue": m.originQueue, "routing_key": m.routingKey,
            "headers": m.delivery.headers.mapValues { $0.description }, "body_bytes": m.delivery.body.count,
            "body": String(decoding: m.delivery.body, as: UTF8.self),
        ]
    }
}
