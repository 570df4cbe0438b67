import Foundation

/// The alert text as a value of a console-approved template's variable (Aliyun, Tencent): the
/// Chinese providers speak only approved templates, refuse links in variables
/// (`isv.PARAM_NOT_SUPPORT_URL`) and limit their length, so the message is cleaned and cut here.
public enum TemplateVariable {
    /// `message` without URLs (`http://…`, `https://…`, `www.…`), with every run of white space
    /// (line breaks included) made one space, trimmed, and cut to at most `maxChars` characters
    /// on a character boundary (a Chinese character, or an emoji with its modifiers, counts one
    /// and is never split).
    public static func value(_ message: String, maxChars: Int) -> String {
        var words: [Substring] = []
        for word in message.split(whereSeparator: { $0.isWhitespace }) {
            if word.lowercased().hasPrefix("www.") { continue }
            // A link glued to the text before it ("详情见https://…") keeps that text.
            if let link = word.firstMatch(of: /(?i)https?:\/\//) {
                if link.range.lowerBound > word.startIndex { words.append(word[..<link.range.lowerBound]) }
                continue
            }
            words.append(word)
        }
        return String(words.joined(separator: " ").prefix(max(maxChars, 0)))
    }

    /// A JSON object of string values with sorted keys (Aliyun's `TtsParam`, `TemplateParam`).
    public static func json(_ values: [String: String]) -> String {
        // Strings only: serialization cannot fail.
        String(decoding: try! JSONSerialization.data(withJSONObject: values, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
