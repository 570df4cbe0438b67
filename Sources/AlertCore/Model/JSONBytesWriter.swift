/// A flat object of strings as compact JSON: the bytes `JSONEncoder` writes with `.sortedKeys`
/// and `.withoutEscapingSlashes` (keys in UTF-8 byte order), which are also what
/// `JSONSerialization` writes with the same options when every key is made of `a`-`z` and `_`
/// (its order is case-insensitive and numeric, so upper case, digits and other punctuation sort
/// differently). `Logger` writes its lines with it.
public enum JSONObjectWriter {
    /// Keys in UTF-8 byte order; values escaped as Foundation escapes them.
    public static func write(_ o: [String: String]) -> [UInt8] {
        var w = JSONBytesWriter()
        w.out.reserveCapacity(64 * o.count)
        w.object(o)
        return w.out
    }

    /// Whether `JSONSerialization`'s key order (case-insensitive, numeric) is byte order for `key`.
    public static func sortsLikeBytes(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }
    }
}

/// The pieces of compact JSON, written into one byte buffer.
struct JSONBytesWriter {
    var out: [UInt8] = []

    mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }

    mutating func key(_ k: String) {
        string(k)
        out.append(UInt8(ascii: ":"))
    }

    /// A string object with keys in UTF-8 byte order (what `.sortedKeys` produces).
    mutating func object(_ o: [String: String]) {
        out.append(UInt8(ascii: "{"))
        let keys = o.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (i, k) in keys.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            key(k)
            string(o[k]!)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                out.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    Self.hex[Int(b >> 4)], Self.hex[Int(b & 0xF)],
                ])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
