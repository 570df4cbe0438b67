import AMQP
import AlertCore
import Foundation

/// `klaxonctl config check [PATH] [--skip-secrets]`: reads the config exactly as every process
/// does and prints every problem with its path (exit 1), or `ok` and a short summary (exit 0).
/// PATH defaults to `--config` or `KLAXON_CONFIG`.
///
/// `--skip-secrets` (alias `--no-env`) checks the file without the secrets: every variable the
/// file names (`*_env`) reads as a placeholder, so unset variables are not reported.
enum ConfigCheckCommand {
    static func run(_ arguments: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        let a = try Arguments.parse(arguments, valued: ["config"], flags: ["skip-secrets", "no-env"])
        guard a.positional.count <= 1 else { throw .usage("config check takes one PATH") }
        guard let path = a.positional.first ?? a.value("config") ?? environment["KLAXON_CONFIG"] else {
            throw .usage("config check: give PATH (or --config PATH, or set KLAXON_CONFIG)")
        }
        let skip = a.has("skip-secrets") || a.has("no-env")
        let config: KlaxonConfig
        do {
            config = try ConfigEnvironment.load(path: path, environment: environment, secrets: skip ? .skipped : .required)
        } catch {
            for issue in error.issues { io.err(issue.description) }
            io.err("\(path): \(error.issues.count) problem\(error.issues.count == 1 ? "" : "s")")
            return .failure
        }
        io.out("ok: \(path)")
        for line in summary(config, secretsSkipped: skip) { io.out("  " + line) }
        return .ok
    }

    static func summary(_ c: KlaxonConfig, secretsSkipped: Bool) -> [String] {
        let broker =
            secretsSkipped && c.broker.url == ConfigEnvironment.placeholder
            ? "from the environment" : (AMQPURL(c.broker.url)?.description ?? c.broker.url)
        let integrations = c.integrations.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
        return [
            "broker:       \(broker), namespace \(c.broker.namespace), \(c.broker.queueType.rawValue) queues",
            "redis:        \(c.redis.host):\(c.redis.port) database \(c.redis.database)",
            "gateway:      \(c.gateway.listen)",
            "integrations: \(c.integrations.count)\(integrations.isEmpty ? "" : ": " + integrations)",
            "routes:       \(c.router.routes.count) and the default route",
            "chat robots:  \(c.chat.robots.isEmpty ? "none" : c.chat.robots.map { "\($0.name) (\($0.platform.rawValue))" }.joined(separator: ", "))",
            "templates:    \(c.templates.sets.isEmpty ? "built-in defaults" : "defaults and " + c.templates.sets.keys.sorted().joined(separator: ", "))",
            "retries:      \(c.delivery.retryDelaysMillis.map(formatDurationMillis).joined(separator: ", ")); delivered ids kept \(formatDurationMillis(c.delivery.idempotencyTTLMillis))",
            "secrets:      \(secretsSkipped ? "not checked (--skip-secrets)" : "every referenced variable is set")",
        ]
    }
}
