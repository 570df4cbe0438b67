import AlertCore
import Foundation
import WorkerKit

/// `klaxonctl normalize --source KIND [--config PATH] [--integration NAME] FILE|-`: runs the
/// gateway's parsing and normalization on a payload and prints one normalized alert per line
/// (the exact JSON the gateway publishes). A payload the gateway would reject prints the
/// gateway's reason on stderr and exits 2.
///
/// With `--config`, the gateway's limits (`max_body_bytes`, `max_json_depth`,
/// `max_alerts_per_request`) apply; with `--integration`, that integration's name, kind and
/// time zone and options (`message_pattern`, `mapping`) too (`--source` may then be left out).
/// Secrets are not needed.
enum NormalizeCommand {
    static func run(_ arguments: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        let a = try Arguments.parse(arguments, valued: ["source", "config", "integration"], flags: [])
        guard a.positional.count == 1 else { throw .usage("normalize: give one FILE (or - for standard input)") }
        var kind: IntegrationKind? = nil
        if let s = a.value("source") {
            guard let k = IntegrationKind(rawValue: s) else {
                throw .usage(
                    "normalize: unknown --source \"\(s)\"; expected one of \(IntegrationKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = k
        }
        var gateway: GatewayConfig? = nil
        var context = NormalizeContext(integration: "klaxonctl", makeID: AlertID.make)
        let configPath = a.value("config") ?? (a.value("integration") != nil ? environment["KLAXON_CONFIG"] : nil)
        if let configPath {
            let config: KlaxonConfig
            do { config = try ConfigEnvironment.load(path: configPath, environment: environment, secrets: .skipped) } catch {
                for issue in error.issues { io.err(issue.description) }
                throw CtlError(.failure, "\(configPath): invalid config")
            }
            gateway = config.gateway
            if let name = a.value("integration") {
                guard let integration = config.integrations.first(where: { $0.name == name }) else {
                    throw .usage(
                        "normalize: no integration named \"\(name)\" in \(configPath); it has: \(config.integrations.map(\.name).joined(separator: ", "))"
                    )
                }
                if let kind, kind != integration.kind {
                    throw .usage("normalize: integration \(name) is of kind \(integration.kind.rawValue), not \(kind.rawValue)")
                }
                kind = integration.kind
                context = integration.normalizeContext(makeID: AlertID.make)  // name, time zone and options, as the gateway
            }
        } else if a.value("integration") != nil {
            throw .usage("normalize: --integration needs --config PATH (or KLAXON_CONFIG)")
        }
        guard let kind else {
            throw .usage("normalize: give --source KIND (one of \(IntegrationKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }

        let body = try read(a.positional[0])
        if let g = gateway, body.count > g.maxBodyBytes {
            io.err("request body of \(body.count) bytes exceeds the limit of \(g.maxBodyBytes)")
            return .usage
        }
        let alerts: [Alert]
        do {
            let json = try JSONParsing.parse(body, limits: JSONLimits(maxDepth: gateway?.maxJSONDepth ?? JSONLimits().maxDepth))
            alerts = try Normalizer.normalize(json, kind: kind, context: context)
        } catch {
            io.err(error.description)
            return .usage
        }
        if let g = gateway, alerts.count > g.maxAlertsPerRequest {
            io.err("\(alerts.count) alerts in one request; the limit is \(g.maxAlertsPerRequest)")
            return .usage
        }
        for alert in alerts { io.out(String(decoding: Codec.encode(alert), as: UTF8.self)) }
        return .ok
    }

    private static func read(_ path: String) throws(CtlError) -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .usage("normalize: cannot read \(path)") }
        return Array(data)
    }
}
