import AMQP
import AlertCore
import WorkerKit

/// `klaxonctl topology declare|delete --config PATH [--yes] [--discard-messages] [--json]`.
///
/// - `declare`: creates the namespace's exchange and queues now (every process also does it on
///   connect; this lets an install or CI step create them ahead of the fleet).
/// - `delete`: removes them, e.g. to change `broker.queue_type` or after an upgrade that declares
///   queues with other arguments (the broker refuses to change arguments in place). It needs
///   `--yes`, and refuses while any queue holds messages unless `--discard-messages` is given.
///   Delay queues are those of the config's `delivery.retry_delays`.
enum TopologyCommand {
    static func run(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard let verb = args.first, verb == "declare" || verb == "delete" else {
            throw .usage("topology: expected declare or delete")
        }
        let a = try Arguments.parse(Array(args.dropFirst()), valued: ["config"], flags: ["json", "yes", "discard-messages"])
        guard a.positional.isEmpty else { throw .usage("topology \(verb): unexpected argument \(a.positional[0])") }
        guard let path = a.value("config") ?? environment["KLAXON_CONFIG"] else {
            throw .usage("no config: pass --config PATH or set KLAXON_CONFIG")
        }
        let config: KlaxonConfig
        do { config = try ConfigEnvironment.load(path: path, environment: environment, secrets: .brokerOnly) } catch {
            for issue in error.issues { io.err(issue.description) }
            throw CtlError(.failure, "\(path): invalid config (klaxonctl config check \(path) lists every problem)")
        }
        guard let url = AMQPURL(config.broker.url) else { throw CtlError(.failure, "\(path): broker.url is not a valid amqp:// URL") }
        let topology = BrokerTopology(config: config)
        var conn = try connect(url)
        defer { conn.close() }

        if verb == "declare" {
            do { try topology.declare(on: conn) } catch {
                throw CtlError(
                    .failure,
                    "declare namespace \(config.broker.namespace): \(error) (an existing queue with other arguments must be deleted first: klaxonctl topology delete)"
                )
            }
            report(io, a, namespace: config.broker.namespace, action: "declared", queues: topology.queueNames.map { ($0, 0) })
            return .ok
        }

        // delete: find what exists and what it holds. A passive check of a missing queue closes
        // the channel, so reconnect after each miss.
        var existing: [(String, Int)] = []
        for q in topology.queueNames {
            do { existing.append((q, try conn.inspectQueue(q).messages)) } catch {
                guard error.isNotFound else { throw CtlError(error.isUnavailable ? .unreachable : .failure, "inspect \(q): \(error)") }
                conn.close()
                conn = try connect(url)
            }
        }
        let held = existing.filter { $0.1 > 0 }
        guard a.has("yes") else {
            throw .usage(
                "topology delete removes \(existing.count) queues of namespace \(config.broker.namespace); nothing was deleted. Run again with --yes to confirm"
            )
        }
        if !held.isEmpty && !a.has("discard-messages") {
            for (q, n) in held { io.err("\(q): \(n) message\(n == 1 ? "" : "s")") }
            throw CtlError(
                .failure, "queues still hold messages (replay or drain them first); nothing was deleted. --discard-messages deletes them anyway")
        }
        for (q, _) in existing {
            do { try conn.deleteQueue(q) } catch { throw CtlError(.failure, "delete \(q): \(error)") }
        }
        do { try conn.deleteExchange(config.broker.namespace) } catch {
            if !error.isNotFound { throw CtlError(.failure, "delete exchange \(config.broker.namespace): \(error)") }
        }
        report(io, a, namespace: config.broker.namespace, action: "deleted", queues: existing)
        return .ok
    }

    private static func connect(_ url: AMQPURL) throws(CtlError) -> AMQPConnection {
        do { return try AMQPConnection(url: url, heartbeatSeconds: 0) } catch {
            throw CtlError(.unreachable, "cannot reach the broker at \(url): \(error)")
        }
    }

    private static func report(_ io: CtlIO, _ a: Arguments, namespace: String, action: String, queues: [(String, Int)]) {
        if a.has("json") {
            io.out(
                Output.json([
                    "namespace": namespace, "action": action, "queues": queues.map(\.0), "messages_discarded": queues.reduce(0) { $0 + $1.1 },
                ]))
        } else {
            io.out("\(action) \(queues.count) queues and the exchange of namespace \(namespace)")
        }
    }
}
