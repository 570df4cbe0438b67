import AlertCore
import Foundation
import YAMLConfig

/// Command-line options shared by every long-running process:
/// `--config PATH` (or `KLAXON_CONFIG`), `--health-listen HOST:PORT` (or `KLAXON_HEALTH_LISTEN`,
/// default `0.0.0.0:9090`), plus process-specific `--name value` pairs.
public struct ProcessOptions: Sendable {
    public var configPath: String
    public var healthListen: ListenAddress
    /// Whether `--health-listen` or `KLAXON_HEALTH_LISTEN` was given (the gateway serves a
    /// separate health port only then: by default its own port answers health).
    public var healthListenGiven: Bool
    public var extra: [String: String]

    public struct UsageError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `arguments` (without the program name). `allowed` lists the extra option names.
    public static func parse(_ arguments: [String], environment: [String: String], allowed: Set<String> = []) throws(UsageError) -> ProcessOptions {
        var config = environment["KLAXON_CONFIG"]
        var health = environment["KLAXON_HEALTH_LISTEN"] ?? "0.0.0.0:9090"
        var given = environment["KLAXON_HEALTH_LISTEN"] != nil
        var extra: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            var name = arg, value: String? = nil
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                value = String(arg[arg.index(after: eq)...])
            }
            guard name.hasPrefix("--") else { throw UsageError(description: "unexpected argument \"\(arg)\"") }
            let key = String(name.dropFirst(2))
            guard key == "config" || key == "health-listen" || allowed.contains(key) else {
                throw UsageError(description: "unknown option \(name)")
            }
            if value == nil {
                guard i + 1 < arguments.count else { throw UsageError(description: "\(name) needs a value") }
                value = arguments[i + 1]
                i += 1
            }
            switch key {
            case "config": config = value
            case "health-listen":
                health = value!
                given = true
            default: extra[key] = value
            }
            i += 1
        }
        guard let config else { throw UsageError(description: "no config: pass --config PATH or set KLAXON_CONFIG") }
        guard let addr = ListenAddress(health) else { throw UsageError(description: "--health-listen: expected host:port, got \"\(health)\"") }
        return ProcessOptions(configPath: config, healthListen: addr, healthListenGiven: given, extra: extra)
    }
}
