import Foundation

/// One tag as found in the source, before its content is interpreted.
struct ScannedTag {
    enum Kind {
        case variable, unescaped, section, inverted, close, partial, comment, delimiters

        /// Whether a line holding only this tag is removed from the output.
        var canBeStandalone: Bool {
            switch self {
            case .variable, .unescaped: false
            case .section, .inverted, .close, .partial, .comment, .delimiters: true
            }
        }
    }

    var kind: Kind
    /// The content between the sigil and the closing delimiter, trimmed.
    var content: String
    /// The whole tag as written, for error messages.
    var text: String
    /// UTF-8 offsets of the tag's first byte and of the byte after it.
    var start: Int
    var end: Int
}

extension Parser {
    /// Reads the tag whose opening delimiter starts at `start`.
    func scanTag(at start: Int) throws(TemplateError) -> ScannedTag {
        let contentStart = start + openDelimiter.count
        let sigil = contentStart < bytes.count ? bytes[contentStart] : 0
        let kind: ScannedTag.Kind
        var closing = closeDelimiter
        switch sigil {
        case UInt8(ascii: "{"):
            kind = .unescaped
            closing = [UInt8(ascii: "}")] + closeDelimiter
        case UInt8(ascii: "="):
            kind = .delimiters
            closing = [UInt8(ascii: "=")] + closeDelimiter
        case UInt8(ascii: "&"): kind = .unescaped
        case UInt8(ascii: "#"): kind = .section
        case UInt8(ascii: "^"): kind = .inverted
        case UInt8(ascii: "/"): kind = .close
        case UInt8(ascii: ">"): kind = .partial
        case UInt8(ascii: "!"): kind = .comment
        default: kind = .variable
        }
        let innerStart = kind == .variable ? contentStart : contentStart + 1
        guard innerStart <= bytes.count, let innerEnd = find(closing, from: innerStart) else {
            let snippet = String(decoding: bytes[start..<min(bytes.count, start + 30)], as: UTF8.self)
            throw TemplateError(
                .unclosedTag, at: position(start),
                "unclosed tag at \(position(start)): no '\(String(decoding: closing, as: UTF8.self))' "
                    + "after '\(snippet)'")
        }
        let end = innerEnd + closing.count
        let content = String(decoding: bytes[innerStart..<innerEnd], as: UTF8.self)
        return ScannedTag(
            kind: kind,
            content: kind == .comment ? content : content.trimmingCharacters(in: .whitespacesAndNewlines),
            text: String(decoding: bytes[start..<end], as: UTF8.self),
            start: start, end: end)
    }

    /// The offset of the first occurrence of `needle` at or after `start`.
    func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start + needle.count <= bytes.count else { return nil }
        let first = needle[0]
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// Line and column of a UTF-8 offset, for errors.
    func position(_ offset: Int) -> SourcePosition {
        SourcePosition(offset: offset, in: bytes)
    }

    /// `name` wrapped in the current delimiters, for messages.
    func delimited(_ name: String) -> String {
        String(decoding: openDelimiter, as: UTF8.self) + name + String(decoding: closeDelimiter, as: UTF8.self)
    }
}
