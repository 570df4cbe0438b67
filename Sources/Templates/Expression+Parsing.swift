import Foundation

extension Expression {
    /// Parses trimmed tag content: `name`, `.` or `name | helper | helper: arg, arg`.
    ///
    /// Only content containing `|` has helpers; the Mustache spec forbids whitespace in names and
    /// never uses `|` in one, so plain spec names parse exactly as the spec says.
    init(parsing content: String, tag: String, at position: SourcePosition) throws(TemplateError) {
        let parts = Self.split(content, on: "|")
        let name = parts[0].trimmingCharacters(in: .whitespacesAndNewlines)
        path = try Self.parsePath(name, tag: tag, at: position)
        helpers = []
        for part in parts.dropFirst() {
            helpers.append(try Helper(parsing: part, tag: tag, at: position))
        }
        compactText = String(content.unicodeScalars.filter { !$0.properties.isWhitespace })
    }

    /// Splits `name` on dots; `.` alone is the implicit iterator (an empty path).
    static func parsePath(_ name: String, tag: String, at position: SourcePosition) throws(TemplateError) -> [String] {
        if name.isEmpty {
            throw TemplateError(.invalidTag, at: position, "empty tag \(tag) at \(position): a name is required")
        }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw TemplateError(
                .invalidTag, at: position,
                "invalid name '\(name)' in \(tag) at \(position): names cannot contain whitespace")
        }
        if name == "." { return [] }
        let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if path.contains(where: \.isEmpty) {
            throw TemplateError(
                .invalidTag, at: position, "invalid name '\(name)' in \(tag) at \(position): empty part between dots")
        }
        return path
    }

    /// Splits on `separator` outside double quotes.
    static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == separator && !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}

extension HelperArgument {
    /// Parses `"literal"` or a dotted name.
    init(parsing text: String, tag: String, at position: SourcePosition) throws(TemplateError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("\"") {
            guard trimmed.count >= 2, trimmed.hasSuffix("\""), !trimmed.dropFirst().dropLast().contains("\"") else {
                throw TemplateError(
                    .invalidHelper, at: position,
                    "invalid argument \(trimmed) in \(tag) at \(position): unterminated string literal")
            }
            self = .literal(String(trimmed.dropFirst().dropLast()))
        } else {
            self = .path(try Expression.parsePath(trimmed, tag: tag, at: position))
        }
    }
}
