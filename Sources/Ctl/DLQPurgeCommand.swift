import AMQP

/// `klaxonctl dlq purge QUEUE --yes [--json]`: deletes every message of a dead-letter queue.
/// Without `--yes` it touches nothing and exits 2.
enum DLQPurgeCommand {
    static func run(_ a: Arguments, context ctx: DLQContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("dlq purge: give one QUEUE") }
        let dlq = try ctx.resolve(a.positional[0])
        guard a.has("yes") else {
            throw .usage("dlq purge deletes every message in \(dlq) for good; nothing was deleted. Run again with --yes to confirm")
        }
        let conn = try ctx.connect()
        defer { conn.close() }
        _ = try ctx.depth(dlq, on: conn)
        let n: Int
        do { n = try conn.purgeQueue(dlq) } catch { throw ctx.map(error, doing: "purge \(dlq)") }
        if a.has("json") {
            io.out(Output.json(["queue": dlq, "purged": n]))
        } else {
            io.out("purged \(n) message\(n == 1 ? "" : "s") from \(dlq)")
        }
        return .ok
    }
}
