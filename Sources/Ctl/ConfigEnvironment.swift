import AlertCore
import Foundation
import YAMLConfig

/// Loads a config file for `klaxonctl`, which often runs where the fleet's secrets are not set.
///
/// The config names its secrets by environment variable (`token_env: NAME`). With
/// `skipSecrets`, every variable the file names reads as `placeholder` (a value that passes
/// every check: an `amqp://` URL longer than 16 characters), so only the file is checked.
/// `dlq` verbs need only the broker: they fill in placeholders for every *other* variable that
/// is not set, and still report a missing `broker.url_env` variable (`oncall` verbs likewise
/// with Redis's password and the feed secret).
enum ConfigEnvironment {
    static let placeholder = "amqp://klaxonctl-placeholder@placeholder/"

    /// The placeholder for one variable: robots' webhooks must look like URLs and DingTalk
    /// secrets start with SEC, so those keys get placeholders that pass their checks.
    static func placeholder(forKey path: String) -> String {
        if path.hasSuffix("webhook_env") { return "https://klaxonctl-placeholder.invalid/robot" }
        if path.hasSuffix("secret_env") { return "SECklaxonctl-placeholder" }
        return placeholder
    }

    enum Secrets {
        /// Use the environment as it is: a referenced variable that is not set is an error.
        case required
        /// Every referenced variable reads as the placeholder.
        case skipped
        /// Real values where set, placeholders for the rest, except the variables of these keys
        /// (paths such as `broker.url_env`), which must be set.
        case needed(Set<String>)

        /// Real values where set, placeholders for the rest, except the broker's URL variable.
        static let brokerOnly = Secrets.needed(["broker.url_env"])
    }

    static func load(path: String, environment: [String: String], secrets: Secrets) throws(ConfigError) -> KlaxonConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(issues: [ConfigIssue(path: "", message: "cannot read config file \(path)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(issues: [ConfigIssue(path: "", message: "config file \(path) is not valid UTF-8")])
        }
        let root = try YAMLParser.parse(text)
        var env = environment
        switch secrets {
        case .required:
            break
        case .skipped:
            env = [:]
            for name in referencedVariables(root, path: "") { env[name.variable] = placeholder(forKey: name.path) }
        case .needed(let keys):
            for name in referencedVariables(root, path: "") where env[name.variable] == nil && !keys.contains(name.path) {
                env[name.variable] = placeholder(forKey: name.path)
            }
        }
        return try KlaxonConfig.read(root, environment: env)
    }

    /// Every `*_env` key's value (a variable name) with the key's path.
    static func referencedVariables(_ node: ConfigNode?, path: String) -> [(path: String, variable: String)] {
        switch node {
        case .mapping(let entries, _)?:
            return entries.flatMap { key, value -> [(path: String, variable: String)] in
                let p = path.isEmpty ? key : "\(path).\(key)"
                if key.hasSuffix("_env"), case .scalar(let name, _) = value { return [(p, name)] }
                return referencedVariables(value, path: p)
            }
        case .sequence(let items, _)?:
            return items.enumerated().flatMap { i, item in referencedVariables(item, path: "\(path)[\(i)]") }
        default:
            return []
        }
    }
}
