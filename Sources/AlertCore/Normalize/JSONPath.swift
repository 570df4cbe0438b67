/// A simple JSON path for field mappings: object keys separated by dots, array indexes in
/// brackets. `data.alert.name`, `items[0].title`, `[0].msg` (a body that is an array), with an
/// optional leading `$` or `$.`. No wildcards, filters or quoting: a key cannot contain `.`,
/// `[` or `]`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Component: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    public let components: [Component]

    public init(components: [Component]) { self.components = components }

    /// A path of one top-level key.
    public static func key(_ name: String) -> JSONPath { JSONPath(components: [.key(name)]) }

    /// Why a path does not parse, for a config error message.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Parses `text`; throws `SyntaxError` for an empty path, an empty key (`a..b`), an
    /// unclosed bracket or an index that is not a whole number.
    public init(_ text: String) throws(SyntaxError) {
        var rest = Substring(text.trimmingWhitespace())
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        if rest.hasPrefix(".") { rest = rest.dropFirst() }
        guard !rest.isEmpty else { throw SyntaxError(reason: "empty path; expected e.g. data.alert.name") }
        var out: [Component] = []
        var key = ""
        var expectKey = !rest.hasPrefix("[")
        var i = rest.startIndex
        func flushKey() throws(SyntaxError) {
            if expectKey {
                if key.isEmpty { throw SyntaxError(reason: "empty key in \"\(text)\"") }
                out.append(.key(key))
            }
            key = ""
        }
        while i < rest.endIndex {
            let c = rest[i]
            switch c {
            case ".":
                try flushKey()
                expectKey = true
                i = rest.index(after: i)
            case "[":
                try flushKey()
                guard let close = rest[i...].firstIndex(of: "]") else {
                    throw SyntaxError(reason: "unclosed \"[\" in \"\(text)\"")
                }
                let digits = rest[rest.index(after: i)..<close]
                guard let n = Int(digits), n >= 0 else {
                    throw SyntaxError(reason: "array index must be a whole number, got \"[\(digits)]\" in \"\(text)\"")
                }
                out.append(.index(n))
                i = rest.index(after: close)
                // After an index: end, ".key" or another "[n]".
                if i < rest.endIndex && rest[i] != "." && rest[i] != "[" {
                    throw SyntaxError(reason: "expected \".\" or \"[\" after \"]\" in \"\(text)\"")
                }
                expectKey = false
            case "]":
                throw SyntaxError(reason: "unexpected \"]\" in \"\(text)\"")
            default:
                if !expectKey { throw SyntaxError(reason: "expected \".\" before \"\(c)\" in \"\(text)\"") }
                key.append(c)
                i = rest.index(after: i)
            }
        }
        if expectKey { try flushKey() }
        self.components = out
    }

    /// The path as written in a `PayloadError` (`$.items[0].title`).
    public var description: String {
        var s = "$"
        for c in components {
            switch c {
            case .key(let k): s += ".\(k)"
            case .index(let n): s += "[\(n)]"
            }
        }
        return s
    }

    /// The value at this path; `nil` when any step is absent, `null` or of another kind
    /// (an object where an index is expected, …): a mapped field that is not there.
    public func lookup(in root: JSONValue) -> JSONValue? {
        var current = root
        for c in components {
            switch c {
            case .key(let k):
                guard let next = current[k] else { return nil }
                current = next
            case .index(let n):
                guard let a = current.arrayValue, n < a.count else { return nil }
                current = a[n]
            }
        }
        return current.isNull ? nil : current
    }

    /// The value at this path as text, by the lenient rule of `PayloadObject.lenientString`:
    /// strings as sent, numbers as JSON-number text, booleans as "true"/"false"; `nil` when
    /// absent, `null`, an object or an array (a mapped field that is not usable is absent,
    /// never a rejection).
    public func text(in root: JSONValue) -> String? {
        lookup(in: root)?.scalarText
    }
}
