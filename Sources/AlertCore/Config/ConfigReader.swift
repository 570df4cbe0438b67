import Foundation

/// Collects problems while a config is read, so one run reports all of them.
public final class ConfigDiagnostics {
    public private(set) var issues: [ConfigIssue] = []
    public init() {}
    public func report(_ path: String, _ message: String, line: Int? = nil) {
        issues.append(ConfigIssue(path: path, message: message, line: line))
    }
}

/// Reads one YAML mapping: typed getters that report bad values with their path, and `finish()`
/// that reports every key nobody asked for (unknown keys are errors, never ignored).
public final class MappingReader {
    public let path: String
    public let line: Int
    let entries: [(key: String, value: ConfigNode)]
    let diagnostics: ConfigDiagnostics
    private var consumed: Set<String> = []

    /// `node` nil (an absent section) reads as an empty mapping.
    public init?(_ node: ConfigNode?, path: String, diagnostics: ConfigDiagnostics) {
        self.path = path
        self.diagnostics = diagnostics
        switch node {
        case nil, .null?:
            entries = []
            line = node?.line ?? 0
        case .mapping(let e, let l)?:
            entries = e
            line = l
            var seen: Set<String> = []
            for (k, v) in e where !seen.insert(k).inserted {
                diagnostics.report(MappingReader.join(path, k), "duplicate key", line: v.line)
            }
        case let other?:
            diagnostics.report(path, "expected a mapping, got \(other.kindName)", line: other.line)
            return nil
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    public func pathOf(_ key: String) -> String { MappingReader.join(path, key) }

    public func node(_ key: String) -> ConfigNode? {
        consumed.insert(key)
        guard let v = entries.first(where: { $0.key == key })?.value else { return nil }
        if case .null = v { return nil }
        return v
    }

    public var keys: [String] { entries.map(\.key) }

    public func report(_ key: String, _ message: String) {
        diagnostics.report(pathOf(key), message, line: entries.first(where: { $0.key == key })?.value.line ?? line)
    }

    public func string(_ key: String) -> String? {
        guard let n = node(key) else { return nil }
        guard case .scalar(let s, _) = n else {
            diagnostics.report(pathOf(key), "expected a string, got \(n.kindName)", line: n.line)
            return nil
        }
        return s
    }

    public func requiredString(_ key: String) -> String? {
        guard let s = string(key) else {
            if entries.first(where: { $0.key == key }) == nil { report(key, "missing (required)") }
            return nil
        }
        if s.isEmpty { report(key, "must not be empty") }
        return s
    }

    public func int(_ key: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let s = string(key) else { return value }
        guard let n = Int(s), range.contains(n) else {
            report(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(s)\"")
            return value
        }
        return n
    }

    public func bool(_ key: String, default value: Bool) -> Bool {
        guard let s = string(key) else { return value }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(key, "expected true or false, got \"\(s)\"")
            return value
        }
    }

    /// A duration such as `10s`, `5m`, `1h30m`, in milliseconds.
    public func duration(_ key: String, default value: Int64, min: Int64 = 0) -> Int64 {
        guard let s = string(key) else { return value }
        guard let ms = parseDurationMillis(s), ms >= min else {
            report(key, "expected a duration such as 30s, 5m or 1h" + (min > 0 ? " of at least \(formatDurationMillis(min))" : "") + ", got \"\(s)\"")
            return value
        }
        return ms
    }

    public func oneOf<T: RawRepresentable>(_ key: String, default value: T) -> T where T.RawValue == String, T: CaseIterable {
        guard let s = string(key) else { return value }
        guard let v = T(rawValue: s) else {
            report(key, "expected one of \(T.allCases.map { $0.rawValue }.joined(separator: ", ")), got \"\(s)\"")
            return value
        }
        return v
    }

    public func stringList(_ key: String) -> [String]? {
        guard let n = node(key) else { return nil }
        guard case .sequence(let items, _) = n else {
            diagnostics.report(pathOf(key), "expected a list, got \(n.kindName)", line: n.line)
            return nil
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard case .scalar(let s, _) = item else {
                diagnostics.report("\(pathOf(key))[\(i)]", "expected a string, got \(item.kindName)", line: item.line)
                continue
            }
            out.append(s)
        }
        return out
    }

    public func mapping(_ key: String) -> MappingReader? {
        MappingReader(node(key), path: pathOf(key), diagnostics: diagnostics)
    }

    /// Each element of a list of mappings; absent reads as an empty list.
    public func mappings(_ key: String) -> [MappingReader] {
        guard let n = node(key) else { return [] }
        guard case .sequence(let items, _) = n else {
            diagnostics.report(pathOf(key), "expected a list, got \(n.kindName)", line: n.line)
            return []
        }
        return items.enumerated().compactMap { i, item in
            MappingReader(item, path: "\(pathOf(key))[\(i)]", diagnostics: diagnostics)
        }
    }

    /// A mapping of string to string (labels), in file order.
    public func stringMap(_ key: String) -> [(String, String)] {
        guard let m = mapping(key) else { return [] }
        var out: [(String, String)] = []
        for k in m.keys {
            if let v = m.string(k) { out.append((k, v)) }
        }
        return out
    }

    /// The name of an environment variable holding a secret, resolved now. An unset or empty
    /// variable is an error naming both the key and the variable.
    public func secret(_ key: String, environment: [String: String], required: Bool) -> String? {
        guard let name = string(key) else {
            if required { report(key, "missing (required): name of the environment variable holding the secret") }
            return nil
        }
        guard let value = environment[name], !value.isEmpty else {
            report(key, "environment variable \(name) is not set")
            return nil
        }
        return value
    }

    /// Reports every key that no getter asked for.
    public func finish() {
        for (k, v) in entries where !consumed.contains(k) {
            diagnostics.report(pathOf(k), "unknown key", line: v.line)
        }
    }
}
