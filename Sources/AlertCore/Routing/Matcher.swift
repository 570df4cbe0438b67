import Foundation

/// One condition of a route. `label` reads `alert.labels`, `field` reads alert fields
/// (`source`, `integration`, `status`, `severity`, `title`, `message`, then `alert.fields`).
/// Regexes are anchored at both ends, as Alertmanager's are.
public struct Matcher: Sendable {
    public enum Subject: Sendable, Equatable {
        case label(String)
        case field(String)
    }
    public enum Test: @unchecked Sendable {
        case equals(String)
        case notEquals(String)
        case regex(NSRegularExpression, source: String)
        case contains(String)
        case anyOf([String])
    }
    public var subject: Subject
    public var test: Test

    public init(subject: Subject, test: Test) {
        self.subject = subject
        self.test = test
    }

    public func matches(_ alert: Alert) -> Bool {
        let value: String?
        switch subject {
        case .label(let name): value = alert.labels[name]
        case .field(let name): value = Matcher.field(name, of: alert)
        }
        switch test {
        case .equals(let v): return (value ?? "") == v
        case .notEquals(let v): return (value ?? "") != v
        case .contains(let v): return value?.contains(v) ?? false
        case .anyOf(let vs): return vs.contains(value ?? "")
        case .regex(let re, _):
            let s = value ?? ""
            return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
    }

    static func field(_ name: String, of a: Alert) -> String? {
        switch name {
        case "source": a.source
        case "integration": a.integration
        case "status": a.status.rawValue
        case "severity": a.severity
        case "title": a.title
        case "message": a.message
        case "fingerprint": a.fingerprint
        default: a.fields[name]
        }
    }

    /// Compiles a pattern anchored at both ends; `nil` if it is not a valid regex.
    public static func compile(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "^(?:\(pattern))$", options: [])
    }
}
