/// One problem in a config file, with the path of the key (`router.routes[0].match[1].regex`).
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var line: Int?

    public init(path: String, message: String, line: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
    }

    public var description: String {
        let at = line.map { " (line \($0))" } ?? ""
        return "\(path.isEmpty ? "<root>" : path)\(at): \(message)"
    }
}

/// Every problem found in a config file; a process refuses to start with any of them.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigIssue]
    public init(issues: [ConfigIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
