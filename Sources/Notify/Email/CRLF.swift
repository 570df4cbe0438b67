/// Canonical line ends for text parts (RFC 2046 §4.1.1): every line ends in CRLF.
///
/// One pass over the UTF-8 bytes: CRLF stays, a bare LF becomes CRLF, a bare CR stays as it is
/// (it ends no line). Foundation's `replacingOccurrences` did this in two passes through
/// NSString and was 18 % of `klaxon-email`'s CPU; it also skipped an LF followed by a combining
/// mark or variation selector (a grapheme, not a line end, to NSString's search), which left a
/// bare LF in the mail. Working on bytes has no such case: LF (0x0A) and CR (0x0D) never occur
/// inside a multi-byte UTF-8 sequence.
enum CRLF {
    /// Appends `text` to `out` with every LF that is not already preceded by CR written as CRLF.
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + bytes.count / 16)
            // Copies the runs between line feeds whole, adding a CR before each LF that lacks one.
            var start = 0
            while let lf = bytes[start...].firstIndex(of: 0x0A) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<lf]))
                if lf == 0 || bytes[lf - 1] != 0x0D { out.append(0x0D) }
                out.append(0x0A)
                start = lf + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
    }

    /// `text` in canonical form, as bytes.
    static func normalized(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        append(text, to: &out)
        return out
    }
}
