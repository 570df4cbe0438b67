/// Compiles template source into a node tree in one pass, applying the spec's standalone-line
/// rule as it goes: a line holding only whitespace and one section, inverted, closing, partial,
/// comment or set-delimiter tag is removed from the output, newline included.
///
/// Works on UTF-8 bytes. Delimiters are whole UTF-8 sequences, so every split falls on a
/// character boundary and text slices decode losslessly.
struct Parser {
    let bytes: [UInt8]
    private(set) var openDelimiter: [UInt8] = Array("{{".utf8)
    private(set) var closeDelimiter: [UInt8] = Array("}}".utf8)
    /// Nodes of the innermost open section (or of the template itself).
    private var nodes: [Node] = []
    private var sections: [OpenSection] = []

    private struct OpenSection {
        var expression: Expression
        var inverted: Bool
        var tag: ScannedTag
        /// The enclosing section's nodes, restored when this section closes.
        var outerNodes: [Node]
    }

    init(source: String) {
        bytes = Array(source.utf8)
    }

    /// The compiled nodes, or the first error in source order.
    mutating func parse() throws(TemplateError) -> [Node] {
        var textStart = 0
        var lastTagEnd = 0
        while let tagStart = find(openDelimiter, from: textStart) {
            let tag = try scanTag(at: tagStart)
            let line = tag.kind.canBeStandalone ? standaloneLine(tagStart, tag.end, after: lastTagEnd) : nil
            if let line {
                emitText(from: textStart, to: line.start, lineStartAtEnd: false)
                textStart = line.end
            } else {
                emitText(from: textStart, to: tagStart, lineStartAtEnd: true)
                textStart = tag.end
            }
            lastTagEnd = tag.end
            let indent = line.map { String(decoding: bytes[$0.start..<tagStart], as: UTF8.self) } ?? ""
            try handle(tag, indent: indent)
        }
        emitText(from: textStart, to: bytes.count, lineStartAtEnd: false)
        if let open = sections.last {
            throw TemplateError(
                .unclosedSection, at: position(open.tag.start),
                "unclosed section \(open.tag.text) opened at \(position(open.tag.start)): "
                    + "no \(delimited("/" + open.expression.name)) before the end of the template")
        }
        return nodes
    }

    private mutating func handle(_ tag: ScannedTag, indent: String) throws(TemplateError) {
        switch tag.kind {
        case .comment:
            break
        case .delimiters:
            try setDelimiters(tag)
        case .variable, .unescaped:
            let expression = try Expression(parsing: tag.content, tag: tag.text, at: position(tag.start))
            nodes.append(.variable(expression, escaped: tag.kind == .variable))
        case .section, .inverted:
            let expression = try Expression(parsing: tag.content, tag: tag.text, at: position(tag.start))
            sections.append(
                OpenSection(expression: expression, inverted: tag.kind == .inverted, tag: tag, outerNodes: nodes))
            nodes = []
        case .close:
            try closeSection(tag)
        case .partial:
            guard !tag.content.isEmpty else {
                throw TemplateError(
                    .invalidTag, at: position(tag.start), "empty partial name in \(tag.text) at \(position(tag.start))")
            }
            nodes.append(.partial(name: tag.content, indent: indent))
        }
    }

    private mutating func closeSection(_ tag: ScannedTag) throws(TemplateError) {
        guard let open = sections.popLast() else {
            throw TemplateError(
                .unexpectedClosingTag, at: position(tag.start),
                "unexpected closing tag \(tag.text) at \(position(tag.start)): no section is open")
        }
        let closing = String(tag.content.unicodeScalars.filter { !$0.properties.isWhitespace })
        guard closing == open.expression.name || closing == open.expression.compactText else {
            throw TemplateError(
                .unexpectedClosingTag, at: position(tag.start),
                "closing tag \(tag.text) at \(position(tag.start)) does not match section \(open.tag.text) "
                    + "opened at \(position(open.tag.start))")
        }
        let body = nodes
        nodes = open.outerNodes
        nodes.append(.section(open.expression, body: body, inverted: open.inverted))
    }

    /// `{{=<% %>=}}`: exactly two whitespace-separated delimiters, neither containing `=`.
    private mutating func setDelimiters(_ tag: ScannedTag) throws(TemplateError) {
        let parts = tag.content.split(whereSeparator: { $0.isWhitespace })
        guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
            throw TemplateError(
                .invalidDelimiters, at: position(tag.start),
                "invalid set-delimiter tag \(tag.text) at \(position(tag.start)): "
                    + "expected two delimiters separated by whitespace, such as {{=<% %>=}}")
        }
        openDelimiter = Array(parts[0].utf8)
        closeDelimiter = Array(parts[1].utf8)
    }

    /// Appends source text `[start, end)` as text nodes, with a `.lineStart` marker at the start
    /// of each source line in it. `lineStartAtEnd` also marks `end` itself when a line starts
    /// there: true when a non-standalone tag follows, false when the line is removed or at the end.
    private mutating func emitText(from start: Int, to end: Int, lineStartAtEnd: Bool) {
        var chunkStart = start
        let startsLine = start == 0 || bytes[start - 1] == UInt8(ascii: "\n")
        if startsLine, start < end || (lineStartAtEnd && start < bytes.count) {
            nodes.append(.lineStart)
        }
        var index = start
        while index < end {
            let next = index + 1
            if bytes[index] == UInt8(ascii: "\n"), next < end || (lineStartAtEnd && next == end) {
                appendText(chunkStart, next)
                nodes.append(.lineStart)
                chunkStart = next
            }
            index = next
        }
        appendText(chunkStart, end)
    }

    private mutating func appendText(_ start: Int, _ end: Int) {
        if start < end {
            nodes.append(.text(String(decoding: bytes[start..<end], as: UTF8.self)))
        }
    }

    /// The removable line around a standalone-capable tag: from the line start (only spaces and
    /// tabs before the tag, and no earlier tag on the line) through the newline after the tag
    /// (only spaces and tabs between), or to the end of the source. `nil` if not standalone.
    private func standaloneLine(_ tagStart: Int, _ tagEnd: Int, after lastTagEnd: Int) -> (start: Int, end: Int)? {
        var lineStart = tagStart
        while lineStart > lastTagEnd, bytes[lineStart - 1] != UInt8(ascii: "\n") {
            guard isBlank(bytes[lineStart - 1]) else { return nil }
            lineStart -= 1
        }
        guard lineStart == 0 || bytes[lineStart - 1] == UInt8(ascii: "\n") else { return nil }
        var end = tagEnd
        while end < bytes.count, isBlank(bytes[end]) { end += 1 }
        if end == bytes.count { return (lineStart, end) }
        if bytes[end] == UInt8(ascii: "\n") { return (lineStart, end + 1) }
        if bytes[end] == UInt8(ascii: "\r"), end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "\n") {
            return (lineStart, end + 2)
        }
        return nil
    }

    private func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
