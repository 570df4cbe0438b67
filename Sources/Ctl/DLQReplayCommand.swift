import AMQP
import Foundation

/// `klaxonctl dlq replay QUEUE [--limit N] [--match label=value]... [--reason REGEX] [--dry-run]
/// [--rate N/s] [--json]`: sends each selected message back to where it came from.
///
/// Walks the whole queue once from the head (see `DLQWalk`); only the messages that were there
/// at the start may move, so one that fails again and comes back during the run is not
/// replayed twice. `--limit` caps how many move. For each message (`basic.get`, manual ack):
/// - selected: publish it to the namespace's exchange with its origin routing key, `mandatory`,
///   and wait for the broker's confirm; only then ack it on the DLQ. Killed at any point, a
///   message is in the DLQ, or in both places (idempotent delivery keeps it from paging twice),
///   never in neither.
/// - not selected (or `--dry-run`, or its publish failed): held unacknowledged until the end,
///   then given back together by closing the connection, in their original order. A killed run
///   gives them back the same way.
///
/// Prints each message as it moves; exit 1 when any selected message could not be moved.
enum DLQReplayCommand {
    static func run(_ a: Arguments, context ctx: DLQContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("dlq replay: give one QUEUE") }
        let limit = try a.int("limit", min: 1) ?? Int.max
        let filter = try ReplayFilter(matches: a.values("match"), reason: a.value("reason"))
        var rate: RateLimit? = nil
        if let r = a.value("rate") {
            guard let parsed = RateLimit(r) else { throw .usage("--rate: expected messages per second such as 10/s, got \"\(r)\"") }
            rate = parsed
        }
        let dryRun = a.has("dry-run")
        let json = a.has("json")
        let dlq = try ctx.resolve(a.positional[0])

        let conn = try ctx.connect()
        defer { conn.close() }
        let depth = try ctx.depth(dlq, on: conn)
        if !dryRun {
            do { try conn.confirmSelect() } catch { throw ctx.map(error, doing: "enable publisher confirms") }
        }
        var examined = 0, moved = 0, failed = 0
        func report(_ action: String, _ m: DeadLetter, error: String? = nil) {
            if json {
                var o: [String: Any] = [
                    "action": action, "position": m.position, "message_id": Output.orNull(m.messageID),
                    "notification_id": Output.orNull(m.notificationID), "title": Output.orNull(m.title),
                    "routing_key": m.routingKey, "reason": m.reason,
                ]
                if let error { o["error"] = error }
                io.out(Output.json(o))
            } else {
                let what = "\(m.displayID)  \(Output.clip(m.displayTitle, 48))  → \(m.routingKey)"
                io.out("\(action.replacingOccurrences(of: "_", with: " "))  \(what)\(error.map { "  (\($0); left in \(dlq))" } ?? "")")
            }
        }

        let walked = try DLQWalk.run(dlq, depth: depth, on: conn, context: ctx) { position, d throws(CtlError) in
            // Only what was there at the start may move: a message that fails again and comes
            // back during the run is read (to keep the order) but not replayed twice.
            guard position <= depth, moved < limit else { return }
            examined += 1
            let m = DeadLetter(d, position: position, deadLetterQueue: dlq)
            guard filter.matches(m) else { return }  // held: given back in order at the end
            if dryRun {
                moved += 1
                report("would_move", m)
                return
            }
            rate?.wait()
            do throws(AMQPError) {
                try conn.publishConfirmed(m.replayMessage(exchange: ctx.topology.exchange))
            } catch  where error.isUnroutable || error.isNacked {
                failed += 1
                report("failed", m, error: error.description)
                return
            } catch {
                // The channel or the confirm sequence is no longer trustworthy: stop here. The
                // message stays in the DLQ (maybe also published, if the confirm was lost).
                report("failed", m, error: error.description)
                throw ctx.map(error, doing: "replay \(m.displayID) from \(dlq); stopped after moving \(moved)")
            }
            do throws(AMQPError) { try conn.ack(d.deliveryTag) } catch {
                throw ctx.map(error, doing: "remove \(m.displayID) from \(dlq) after publishing it (it may now be in both places)")
            }
            moved += 1
            report("moved", m)
        }
        DLQWalk.giveBack(conn, expected: [(dlq, walked - (dryRun ? 0 : moved))], context: ctx)  // in order

        let left = walked - (dryRun ? 0 : moved)
        if json {
            io.out(
                Output.json([
                    "summary": true, "queue": dlq, "dry_run": dryRun, "examined": examined,
                    "moved": dryRun ? 0 : moved, "selected": moved + failed, "failed": failed, "left": left,
                ]))
        } else if dryRun {
            io.out("dry run: would replay \(moved) of \(examined) examined in \(dlq); nothing was moved")
        } else {
            io.out(
                "replayed \(moved) of \(examined) examined in \(dlq); \(left) left in place\(failed > 0 ? ", \(failed) of them selected but not moved" : "")"
            )
        }
        return failed > 0 ? .failure : .ok
    }
}
