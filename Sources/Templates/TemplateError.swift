/// Why a template source could not be compiled, and where.
///
/// Thrown only by ``Template/init(source:)``; rendering never fails. `line` and `column` are
/// 1-based and point at the start of the offending tag (columns count characters, not bytes).
/// `description` is a complete sentence naming the tag and its position, fit for a log line or a
/// config-validation report, e.g.
/// `unclosed section {{#alerts}} opened at line 3, column 1: no {{/alerts}} before the end`.
///
/// A template error is a configuration error: callers should treat it as permanent.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of mistake. A struct over a private enum so that kinds can be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unclosedTag = "unclosed tag"
            case unclosedSection = "unclosed section"
            case unexpectedClosingTag = "unexpected closing tag"
            case invalidTag = "invalid tag"
            case invalidDelimiters = "invalid delimiters"
            case invalidHelper = "invalid helper"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// An opening delimiter (`{{`) with no closing delimiter after it.
        public static let unclosedTag = Code(.unclosedTag)
        /// A section (`{{#name}}`) or inverted section (`{{^name}}`) never closed.
        public static let unclosedSection = Code(.unclosedSection)
        /// A `{{/name}}` with no open section, or one that does not match the innermost section.
        public static let unexpectedClosingTag = Code(.unexpectedClosingTag)
        /// An empty tag, or a name containing whitespace or empty dotted parts.
        public static let invalidTag = Code(.invalidTag)
        /// A set-delimiter tag (`{{=<% %>=}}`) without exactly two delimiters, or with `=` in one.
        public static let invalidDelimiters = Code(.invalidDelimiters)
        /// An unknown helper after `|`, wrong arguments, or an unknown literal time zone.
        public static let invalidHelper = Code(.invalidHelper)

        public var description: String { base.rawValue }
    }

    /// What is wrong.
    public let code: Code
    /// 1-based line of the offending tag.
    public let line: Int
    /// 1-based column (in characters) of the offending tag.
    public let column: Int
    /// The full message, including the position.
    public let description: String

    init(_ code: Code, at position: SourcePosition, _ message: String) {
        self.code = code
        self.line = position.line
        self.column = position.column
        self.description = message
    }
}

/// A 1-based line and column in a template source.
struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    var line: Int
    var column: Int

    /// The position of UTF-8 offset `offset` in `bytes`.
    init(offset: Int, in bytes: [UInt8]) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        self.line = line
        self.column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
    }

    var description: String { "line \(line), column \(column)" }
}
