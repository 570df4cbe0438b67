import Foundation

/// Header-field encoding for the mails Klaxon writes: RFC 2047 encoded words, RFC 5322
/// folding and dates. Everything it returns is 7-bit ASCII.
public enum MIMEHeader {
    /// Longest line we write in a header (RFC 2047 §2: lines with encoded words ≤ 76).
    public static let maxLine = 76
    /// Longest encoded word (RFC 2047 §2).
    public static let maxWord = 75

    /// The value of an unstructured header (Subject) as it follows `"<name>: "`, folded with
    /// CRLF + space. Whitespace runs (including line breaks) collapse to one space.
    /// Printable ASCII that folds at spaces into lines ≤ 76 stays readable; anything else
    /// becomes `=?UTF-8?B?…?=` words, each ≤ 75 characters holding whole characters.
    public static func unstructured(_ value: String, name: String) -> String {
        let text = value.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let firstUsed = name.utf8.count + 2
        if let plain = foldPlain(text, firstUsed: firstUsed) { return plain }
        return encodedWords(text, firstUsed: firstUsed).joined(separator: "\r\n ")
    }

    /// Splits `text` into `=?UTF-8?B?…?=` words. The first word fits in a line that already
    /// holds `firstUsed` characters, the others after the single space of a folded line.
    /// A character (grapheme) is never split across words unless it alone is too long for
    /// one word; then it is split between Unicode scalars, never inside a UTF-8 sequence.
    public static func encodedWords(_ text: String, firstUsed: Int) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var limit = payloadBytes(room: maxLine - firstUsed)
        func flush() {
            guard !current.isEmpty else { return }
            words.append("=?UTF-8?B?\(Data(current).base64EncodedString())?=")
            current = []
            limit = payloadBytes(room: maxLine - 1)
        }
        func add(_ bytes: [UInt8]) {
            if current.count + bytes.count > limit { flush() }
            current += bytes
        }
        for ch in text {
            let bytes = Array(String(ch).utf8)
            if bytes.count <= payloadBytes(room: maxLine - 1) {
                add(bytes)
            } else {
                for scalar in ch.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        flush()
        return words.isEmpty ? ["=?UTF-8?B??="] : words
    }

    /// Bytes of UTF-8 one encoded word can carry in `room` characters: the word is
    /// `=?UTF-8?B?` + base64 + `?=` (12 characters of frame), base64 grows 3 → 4.
    static func payloadBytes(room: Int) -> Int {
        let base64 = (min(room, maxWord) - 12) / 4 * 4
        precondition(base64 >= 4, "header name too long to encode its value")
        return base64 / 4 * 3
    }

    /// Folds printable ASCII at spaces; `nil` if it must be encoded instead (non-ASCII or
    /// control characters, a literal `=?` that a reader would try to decode, or a word too long).
    static func foldPlain(_ text: String, firstUsed: Int) -> String? {
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), !text.contains("=?") else { return nil }
        var out = ""
        var lineLength = firstUsed
        for (i, word) in text.split(separator: " ").enumerated() {
            if i == 0 {
                out = String(word)
                lineLength += word.count
            } else if lineLength + 1 + word.count <= maxLine {
                out += " " + word
                lineLength += 1 + word.count
            } else {
                out += "\r\n " + word
                lineLength = 1 + word.count
            }
            if lineLength > maxLine { return nil }
        }
        return out
    }

    /// RFC 5322 §3.3 date in UTC: `Fri, 02 Jan 2026 08:30:12 +0000`. Written by hand so it
    /// never depends on the process locale.
    public static func date(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// A `display-name` phrase: an atom list or quoted string when ASCII, encoded words otherwise.
    public static func phrase(_ name: String) -> String {
        let text = name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !text.contains("=?") {
            let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
            if text.unicodeScalars.allSatisfy({ atext.contains($0) }) { return text }
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        // Inside From/To, after at most "From: " (6); folding between the words is allowed.
        return encodedWords(text, firstUsed: 6).joined(separator: "\r\n ")
    }
}
