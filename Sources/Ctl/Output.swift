import Foundation

/// Formatting shared by the `dlq` verbs: aligned plain-text tables for people, JSON lines
/// (one object per row, sorted keys) for scripts.
enum Output {
    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return [line(header)] + rows.map(line)
    }

    /// One JSON object on one line.
    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Cuts text to `max` characters on one line.
    static func clip(_ text: String, _ max: Int) -> String {
        let one = text.replacingOccurrences(of: "\n", with: " ")
        return one.count <= max ? one : String(one.prefix(max - 1)) + "…"
    }

    /// `42s`, `5m`, `3h`, `2d`: an age for a table.
    static func age(_ seconds: Double?) -> String {
        guard let s = seconds else { return "-" }
        switch s {
        case ..<60: return "\(Int(s))s"
        case ..<3600: return "\(Int(s / 60))m"
        case ..<86400: return "\(Int(s / 3600))h"
        default: return "\(Int(s / 86400))d"
        }
    }

    /// A JSON-safe optional.
    static func orNull(_ v: Any?) -> Any { v ?? NSNull() }
}
