import Foundation

/// A strict JSON (RFC 8259) reader from UTF-8 bytes straight into `JSONValue`: the fast path of
/// `JSONParsing.parse`. It returns nil on anything invalid, and on what it leaves to
/// `JSONDecoder` to judge (duplicate keys, lone surrogates, numbers a Double cannot hold), so
/// accepted documents and error messages are exactly those of the decoder. The caller has
/// already checked UTF-8 validity and bounded the nesting depth (so recursion is bounded).
enum JSONReader {
    static func read(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buf -> JSONValue? in
            var r = Cursor(buf: buf, i: 0)
            r.skipSpace()
            guard let v = r.value() else { return nil }
            r.skipSpace()
            return r.i == buf.count ? v : nil
        }
    }

    private struct Cursor {
        let buf: UnsafeBufferPointer<UInt8>
        var i: Int

        var peek: UInt8? { i < buf.count ? buf[i] : nil }

        mutating func skipSpace() {
            while i < buf.count {
                switch buf[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: StaticString, _ v: JSONValue) -> JSONValue? {
            let n = word.utf8CodeUnitCount
            guard i + n <= buf.count else { return nil }
            let w = word.utf8Start
            for k in 0..<n where buf[i + k] != w[k] { return nil }
            i += n
            return v
        }

        mutating func value() -> JSONValue? {
            guard let c = peek else { return nil }
            switch c {
            case UInt8(ascii: "{"): return object()
            case UInt8(ascii: "["): return array()
            case UInt8(ascii: "\""): return string().map { .string($0) }
            case UInt8(ascii: "t"): return literal("true", .bool(true))
            case UInt8(ascii: "f"): return literal("false", .bool(false))
            case UInt8(ascii: "n"): return literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return nil
            }
        }

        mutating func object() -> JSONValue? {
            i += 1
            var out: [String: JSONValue] = [:]
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return .object(out) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\""), let key = string() else { return nil }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                guard let v = value() else { return nil }
                // Duplicate keys: leave the choice to the decoder.
                guard out.updateValue(v, forKey: key) == nil else { return nil }
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "}"): i += 1; return .object(out)
                default: return nil
                }
            }
        }

        mutating func array() -> JSONValue? {
            i += 1
            var out: [JSONValue] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return .array(out) }
            while true {
                skipSpace()
                guard let v = value() else { return nil }
                out.append(v)
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "]"): i += 1; return .array(out)
                default: return nil
                }
            }
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= buf.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = buf[i]
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }

        mutating func string() -> String? {
            i += 1  // opening quote
            let start = i
            // Common case: no escapes; the bytes are already valid UTF-8.
            while i < buf.count {
                let c = buf[i]
                if c == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { return nil }
                i += 1
            }
            var out = Array(buf[start..<i])
            while i < buf.count {
                let c = buf[i]
                switch c {
                case UInt8(ascii: "\""):
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    i += 1
                    guard let e = peek else { return nil }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard i + 6 <= buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") else { return nil }
                            i += 2
                            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            return nil
                        }
                        guard let u = Unicode.Scalar(scalar) else { return nil }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default: return nil
                    }
                default:
                    if c < 0x20 { return nil }
                    out.append(c)
                    i += 1
                }
            }
            return nil
        }

        mutating func number() -> JSONValue? {
            let start = i
            if peek == UInt8(ascii: "-") { i += 1 }
            guard let first = peek else { return nil }
            if first == UInt8(ascii: "0") {
                i += 1
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) {
                while let c = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { i += 1 }
            } else {
                return nil
            }
            if peek == UInt8(ascii: ".") {
                i += 1
                let digits = i
                while let c = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { i += 1 }
                if i == digits { return nil }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                let digits = i
                while let c = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) { i += 1 }
                if i == digits { return nil }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
            // Out of Double's range: the decoder decides (it refuses such numbers).
            guard let d = Double(text), d.isFinite else { return nil }
            return .number(d)
        }
    }
}
