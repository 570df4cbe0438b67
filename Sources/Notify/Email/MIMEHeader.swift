import Foundation
import TimeKit

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
        let text = collapsingWhitespace(value)
        let firstUsed = name.utf8.count + 2
        if let plain = foldPlain(text, firstUsed: firstUsed) { return plain }
        return encodedWords(text, firstUsed: firstUsed).joined(separator: "\r\n ")
    }

    /// Runs of white space (line breaks included) as one space, none at the ends. ASCII text (a
    /// subject, nearly always) on bytes, where white space is tab to CR and space; other text
    /// by characters. The same result either way (a test compares them).
    static func collapsingWhitespace(_ value: String) -> String {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return value.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        var space = false
        for b in value.utf8 {
            if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                space = !out.isEmpty
            } else {
                if space { out.append(0x20) }
                space = false
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
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
    /// never depends on the process locale, and computed (TimeKit's civil date) rather than
    /// through a `Calendar` per mail (a test compares the two over random instants).
    public static func date(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let secondOfDay = seconds - days * 86_400
        let day = LocalDate(daysSinceEpoch: days)
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[Weekday(daysSinceEpoch: days).rawValue - 1]), \(two(day.day)) \(months[day.month - 1]) \(day.year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }

    /// A `display-name` phrase: an atom list or quoted string when ASCII, encoded words otherwise.
    public static func phrase(_ name: String) -> String {
        let text = name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !text.contains("=?") {
            if text.unicodeScalars.allSatisfy({ atext.contains($0) }) { return text }
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        // Inside From/To, after at most "From: " (6); folding between the words is allowed.
        return encodedWords(text, firstUsed: 6).joined(separator: "\r\n ")
    }

    /// Atom characters and space (RFC 5322 §3.2.3), built once: building it per call was a
    /// measurable share of each mail.
    private static let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
}
