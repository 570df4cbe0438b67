import AMQP
import Foundation

/// `klaxonctl dlq list [--json]`: every dead-letter queue of the namespace with its depth and
/// the age of its oldest message (the head). Reading the head means reading the whole queue and
/// giving it back (see `DLQWalk`), so nothing moves. Exit 4 when none of them exists.
enum DLQListCommand {
    static func run(_ a: Arguments, context ctx: DLQContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.isEmpty else { throw .usage("dlq list takes no QUEUE") }
        let now = Date()
        var rows: [(dlq: String, work: String, depth: Int?, age: Double?)] = []
        var conn = try ctx.connect()
        for (dlq, work) in ctx.deadLetterQueues {
            do throws(CtlError) {
                let depth = try ctx.depth(dlq, on: conn)
                var age: Double? = nil
                if depth > 0 {
                    _ = try DLQWalk.run(dlq, depth: depth, on: conn, context: ctx) { position, d throws(CtlError) in
                        if position == 1 { age = DeadLetter(d, position: 1, deadLetterQueue: dlq).ageSeconds(now: now) }
                    }
                }
                rows.append((dlq, work, depth, age))
            } catch  where error.code == .notFound {
                rows.append((dlq, work, nil, nil))
                conn.close()  // the broker closed the channel: start a new connection
                conn = try ctx.connect()
            }
        }
        DLQWalk.giveBack(conn, expected: rows.map { ($0.dlq, $0.depth ?? 0) }, context: ctx)  // in order

        if a.has("json") {
            for r in rows {
                io.out(
                    Output.json([
                        "queue": r.dlq, "work_queue": r.work, "exists": r.depth != nil,
                        "messages": Output.orNull(r.depth), "oldest_age_seconds": Output.orNull(r.age),
                    ]))
            }
        } else {
            let table = rows.map { r in [r.dlq, r.depth.map(String.init) ?? "missing", Output.age(r.age)] }
            for line in Output.table(["QUEUE", "MESSAGES", "OLDEST"], table) { io.out(line) }
        }
        if rows.allSatisfy({ $0.depth == nil }) {
            throw CtlError(
                .notFound,
                "no dead-letter queue of namespace \(ctx.topology.namespace) exists on \(ctx.url); has a Klaxon process run with this config?")
        }
        return .ok
    }
}
