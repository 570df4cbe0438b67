/// Stable, dependency-free hashing for fingerprints and idempotency keys.
public enum Fingerprint {
    /// 64-bit FNV-1a of the bytes, as 16 lowercase hex characters (the length Alertmanager uses).
    public static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Hash of a label set, independent of key order. Keys and values are length-prefixed so
    /// `{a: "b=c"}` and `{"a=b": "c"}` differ.
    public static func ofLabels(_ labels: [String: String]) -> String {
        var text = ""
        for key in labels.keys.sorted() {
            let value = labels[key]!
            text += "\(key.utf8.count):\(key)\(value.utf8.count):\(value);"
        }
        return hash(text)
    }
}
