import Foundation

/// Parses the durations written in the config: `250ms`, `10s`, `5m`, `2h`, `1d`, or a
/// combination such as `1h30m`. Returns milliseconds, or `nil` for anything else.
public func parseDurationMillis(_ text: String) -> Int64? {
    var total: Int64 = 0
    var number: Int64? = nil
    var chars = Array(text.trimmingCharacters(in: .whitespaces))
    if chars.isEmpty { return nil }
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if let d = c.wholeNumberValue, c.isASCII {
            number = (number ?? 0) &* 10 &+ Int64(d)
            if number! > 1_000_000_000_000 { return nil }
            i += 1
            continue
        }
        guard let n = number else { return nil }
        var unit = String(c)
        if c == "m", i + 1 < chars.count, chars[i + 1] == "s" { unit = "ms"; i += 1 }
        let factor: Int64
        switch unit {
        case "ms": factor = 1
        case "s": factor = 1000
        case "m": factor = 60_000
        case "h": factor = 3_600_000
        case "d": factor = 86_400_000
        default: return nil
        }
        total += n * factor
        number = nil
        i += 1
    }
    if number != nil { return nil }  // a bare number has no unit
    chars.removeAll()
    return total
}

/// Formats milliseconds as the shortest config-style duration (`90000` → `1m30s`).
public func formatDurationMillis(_ ms: Int64) -> String {
    if ms == 0 { return "0s" }
    var rest = ms
    var out = ""
    for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= size {
        out += "\(rest / size)\(unit)"
        rest %= size
    }
    return out
}
