import Foundation
@testable import AlertCore

/// What each source truly needs, as documented in `docs/contracts.md` ("What the gateway
/// accepts"): the JSON paths whose absence or wrong kind is the only cause of a `PayloadError`.
/// Paths are written with `[]` for any array index (`$.alerts[]`).
enum RequiredFields {
    /// The required paths for `kind` (the body itself, `$`, is always required).
    static func paths(_ kind: IntegrationKind, legacyGrafana: Bool = false) -> Set<String> {
        switch kind {
        case .alertmanager: ["$", "$.alerts", "$.alerts[]"]
        // The legacy body is told apart by these keys; the unified one is the Alertmanager group.
        case .grafana: legacyGrafana ? ["$", "$.alerts", "$.ruleName", "$.ruleId", "$.evalMatches"] : ["$", "$.alerts", "$.alerts[]"]
        case .skywalking: ["$", "$[]"]
        case .graylog: ["$", "$.event"]
        case .zabbix, .webhook, .formattedWebhook: ["$"]
        }
    }

    /// `$.alerts[3].labels` → `$.alerts[].labels`: a concrete path in the `paths` notation.
    static func generic(_ path: String) -> String {
        path.replacingOccurrences(of: #"\[\d+\]"#, with: "[]", options: .regularExpression)
    }

    /// Whether a `PayloadError` at `path` is one the contract allows for `kind`.
    static func allowsRejection(at path: String, kind: IntegrationKind) -> Bool {
        let g = generic(path)
        return paths(kind).contains(g) || paths(kind, legacyGrafana: true).contains(g)
    }
}
