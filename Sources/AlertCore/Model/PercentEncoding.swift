import Foundation

/// Percent-encoding as URLs and HTML forms need it, in one place: query values, path segments,
/// signed URLs (robots, calendar feeds, incident links, phone callbacks) and form bodies.
public enum PercentEncoding {
    /// `s` with everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`)
    /// percent-encoded as UTF-8 bytes: safe as a query value or one path segment, and spelled
    /// one way (signatures over URLs depend on it).
    public static func unreserved(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b >> 4, radix: 16, uppercase: true) + String(b & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// `application/x-www-form-urlencoded` of `fields`, in order.
    public static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(unreserved($0.0))=\(unreserved($0.1))" }.joined(separator: "&")
    }

    /// One pair of a form body: decoded (`+` is a space, `%XX` UTF-8), or, where a part does not
    /// decode, its raw text with `decoded` false.
    public struct FormPair: Sendable, Equatable {
        public var name: String
        public var value: String
        public var decoded: Bool
    }

    /// The pairs of a form body, split on `&` and the first `=`, in order (repeated names kept).
    public static func formPairs(_ body: [UInt8]) -> [FormPair] {
        String(decoding: body, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].replacingOccurrences(of: "+", with: " ")
            let value = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
            let n = name.removingPercentEncoding, v = value.removingPercentEncoding
            return FormPair(name: n ?? name, value: v ?? value, decoded: n != nil && v != nil)
        }
    }
}
