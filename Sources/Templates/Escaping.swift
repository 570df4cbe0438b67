/// How `{{name}}` escapes what it prints. `{{{name}}}` and `{{& name}}` never escape.
///
/// Choose per channel at render time: `.html` for HTML e-mail bodies, `.none` for plain text,
/// e-mail subjects and DingTalk/WeCom markdown (where `&amp;` would show up literally).
public enum Escaping: Sendable, Hashable {
    /// Replaces `&`, `<`, `>` and `"` with `&amp;`, `&lt;`, `&gt;` and `&quot;`, as the Mustache
    /// spec requires. The default.
    case html
    /// Prints values unchanged.
    case none

    /// `text` escaped for this output.
    public func escape(_ text: String) -> String {
        switch self {
        case .none:
            return text
        case .html:
            guard text.utf8.contains(where: Self.needsHTMLEscape) else { return text }
            var result = ""
            result.reserveCapacity(text.utf8.count + 16)
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": result += "&amp;"
                case "<": result += "&lt;"
                case ">": result += "&gt;"
                case "\"": result += "&quot;"
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
