import AMQP
import AlertCore
import Foundation

/// What every `dlq` verb needs: the broker URL and namespace from the config, the dead-letter
/// queue names of that namespace, and a connection whose failures map to exit codes.
struct DLQContext {
    let configPath: String
    let url: AMQPURL
    let topology: Topology

    /// Reads `--config PATH` or `KLAXON_CONFIG`. Only the broker's settings matter: secrets of
    /// other sections may be unset (see `ConfigEnvironment`).
    init(_ a: Arguments, environment: [String: String], io: CtlIO) throws(CtlError) {
        guard let path = a.value("config") ?? environment["KLAXON_CONFIG"] else {
            throw .usage("no config: pass --config PATH or set KLAXON_CONFIG (the broker URL and namespace come from it)")
        }
        let config: KlaxonConfig
        do { config = try ConfigEnvironment.load(path: path, environment: environment, secrets: .brokerOnly) } catch {
            for issue in error.issues { io.err(issue.description) }
            throw CtlError(.failure, "\(path): invalid config (klaxonctl config check \(path) lists every problem)")
        }
        guard let url = AMQPURL(config.broker.url) else { throw CtlError(.failure, "\(path): broker.url is not a valid amqp:// URL") }
        configPath = path
        self.url = url
        topology = Topology(namespace: config.broker.namespace)
    }

    /// Every dead-letter queue of the namespace, in flow order, with its work queue.
    var deadLetterQueues: [(dlq: String, workQueue: String)] {
        topology.workQueues.map { (topology.deadLetterQueue(of: $0), $0) }
    }

    /// Accepts the DLQ's full name, its work queue's full name, or either without the namespace
    /// (`notify.email`, `notify.email.dlq`). Anything else is not a DLQ of this fleet: exit 4.
    func resolve(_ name: String) throws(CtlError) -> String {
        let prefixed = name.hasPrefix(topology.namespace + ".") ? name : "\(topology.namespace).\(name)"
        for (dlq, work) in deadLetterQueues where prefixed == dlq || prefixed == work {
            return dlq
        }
        throw CtlError(
            .notFound,
            "\(name) is not a dead-letter queue of namespace \(topology.namespace); known: \(deadLetterQueues.map(\.dlq).joined(separator: ", "))")
    }

    /// Connects without heartbeats (a slow `--rate` replay sleeps between messages).
    func connect() throws(CtlError) -> AMQPConnection {
        do { return try AMQPConnection(url: url, heartbeatSeconds: 0) } catch {
            throw CtlError(.unreachable, "cannot reach the broker at \(url): \(error)")
        }
    }

    /// Depth of an existing queue; a missing one is exit 4 (and closes the channel: reconnect).
    func depth(_ queue: String, on conn: AMQPConnection) throws(CtlError) -> Int {
        do { return try conn.inspectQueue(queue).messages } catch {
            if error.isNotFound {
                throw CtlError(
                    .notFound, "queue \(queue) does not exist on \(url) (no Klaxon process has declared namespace \(topology.namespace) there yet?)")
            }
            throw map(error, doing: "inspect \(queue)")
        }
    }

    /// An AMQP failure in the middle of a command: unreachable (3), queue gone (4), else 1.
    func map(_ error: AMQPError, doing: String) -> CtlError {
        if error.isNotFound { return CtlError(.notFound, "\(doing): \(error)") }
        if error.isUnavailable { return CtlError(.unreachable, "\(doing): lost the broker at \(url): \(error)") }
        return CtlError(.failure, "\(doing): \(error)")
    }
}
