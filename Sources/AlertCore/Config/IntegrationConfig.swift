import Foundation

/// `integrations:` one entry per sender; its URL is `/integrations/<kind>/<token>`.
public struct IntegrationConfig: Sendable, Equatable {
    public var name: String
    public var kind: IntegrationKind
    public var token: String
    /// Zone for times rendered for people.
    public var timeZone: TimeZone

    static func readAll(_ top: MappingReader, environment: [String: String]) -> [IntegrationConfig] {
        var out: [IntegrationConfig] = []
        var names: Set<String> = []
        for m in top.mappings("integrations") {
            let name = m.requiredString("name") ?? ""
            if !name.isEmpty && !names.insert(name).inserted { m.report("name", "duplicate integration name \"\(name)\"") }
            var kind = IntegrationKind.alertmanager
            if let k = m.string("kind") {
                if let parsed = IntegrationKind(rawValue: k) { kind = parsed } else {
                    m.report("kind", "expected one of \(IntegrationKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(k)\"")
                }
            } else { m.report("kind", "missing (required)") }
            let token = m.secret("token_env", environment: environment, required: true) ?? ""
            if !token.isEmpty && token.count < 16 { m.report("token_env", "the token must be at least 16 characters") }
            var tz = TimeZone.gmt
            if let z = m.string("time_zone") {
                if let parsed = TimeZone(identifier: z) { tz = parsed } else { m.report("time_zone", "unknown time zone \"\(z)\"") }
            }
            m.finish()
            out.append(IntegrationConfig(name: name, kind: kind, token: token, timeZone: tz))
        }
        return out
    }
}
