/// Cuts message text to a byte budget the way people can still read: on a character (grapheme)
/// boundary, so never inside a UTF-8 sequence nor between a letter and its accent, and says
/// how much was left out.
public enum TextLimit {
    /// `text` if its UTF-8 fits in `maxBytes`; otherwise its longest prefix of whole characters
    /// followed by `\n… and N more characters`, the whole at most `maxBytes` bytes.
    /// `maxBytes` below the marker's own length yields as much of the marker as fits.
    public static func cut(_ text: String, maxBytes: Int) -> String {
        let total = text.utf8.count
        guard total > maxBytes else { return text }
        let characters = text.count
        // N ≤ characters, so a marker with that many digits is the longest one needed.
        let reserve = marker(characters).utf8.count
        var kept = 0, bytes = 0
        var end = text.startIndex
        for ch in text {
            let n = ch.utf8.count
            if bytes + n + reserve > maxBytes { break }
            bytes += n
            kept += 1
            end = text.index(after: end)
        }
        let out = String(text[..<end]) + marker(characters - kept)
        if out.utf8.count <= maxBytes { return out }
        return prefix(out, maxBytes: maxBytes)
    }

    /// The longest prefix of whole characters whose UTF-8 fits in `maxBytes`.
    public static func prefix(_ text: String, maxBytes: Int) -> String {
        var bytes = 0
        var end = text.startIndex
        for ch in text {
            bytes += ch.utf8.count
            if bytes > maxBytes { break }
            end = text.index(after: end)
        }
        return String(text[..<end])
    }

    static func marker(_ n: Int) -> String { "\n… and \(n) more characters" }
}
