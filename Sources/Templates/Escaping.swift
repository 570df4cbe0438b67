/// How `{{name}}` escapes what it prints. `{{{name}}}` and `{{& name}}` never escape.
///
/// Choose per channel at render time: `.html` for HTML e-mail bodies, `.none` for plain text,
/// e-mail subjects and DingTalk/WeCom markdown (where `&amp;` would show up literally).
public enum Escaping: Sendable, Hashable {
    /// Replaces `&`, `<`, `>` and `"` with `&amp;`, `&lt;`, `&gt;` and `&quot;`, as the Mustache
    /// spec requires. The default.
    case html
    /// `.html` plus `'` as `&#39;`: for HTML written by operators, whose templates may quote
    /// attributes with `'` (`<a href='{{url}}'>`). Not the spec's behaviour, so never the default.
    case htmlStrict
    /// Prints values unchanged.
    case none

    /// `text` escaped for this output.
    public func escape(_ text: String) -> String {
        switch self {
        case .none:
            return text
        case .html, .htmlStrict:
            let apostrophes = self == .htmlStrict
            guard text.utf8.contains(where: { Self.needsHTMLEscape($0) || (apostrophes && $0 == UInt8(ascii: "'")) }) else { return text }
            var result = ""
            result.reserveCapacity(text.utf8.count + 16)
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": result += "&amp;"
                case "<": result += "&lt;"
                case ">": result += "&gt;"
                case "\"": result += "&quot;"
                case "'" where apostrophes: result += "&#39;"
                default: result.unicodeScalars.append(scalar)
                }
            }
            return result
        }
    }

    private static func needsHTMLEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"")
    }
}
