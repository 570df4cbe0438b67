import Foundation
import Signing

/// The fake's own reading of Aliyun's RPC signature v1 (help.aliyun.com/document_detail/28839.html),
/// written from the spec and independent of the provider's `AliyunSignature`: Java's
/// `URLEncoder.encode(s, "UTF-8")`, then `+` → `%20`, `*` → `%2A`, `%7E` → `~`.
extension FakeAliyun {
    /// Java's `URLEncoder`: `A-Z a-z 0-9 . - * _` kept, a space as `+`, every other UTF-8 byte `%XX`.
    static func javaURLEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2E, 0x2D, 0x2A, 0x5F: out.append(Character(Unicode.Scalar(b)))
            case 0x20: out.append("+")
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func aliyunEncode(_ s: String) -> String {
        javaURLEncode(s).replacingOccurrences(of: "+", with: "%20").replacingOccurrences(of: "*", with: "%2A")
            .replacingOccurrences(of: "%7E", with: "~")
    }

    /// The signature Aliyun expects for `params` (every one but `Signature`).
    static func expectedSignature(_ params: [String: String], method: String, secret: String) -> String {
        let canonical = params.filter { $0.key != "Signature" }.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { aliyunEncode($0.key) + "=" + aliyunEncode($0.value) }.joined(separator: "&")
        let toSign = method + "&" + aliyunEncode("/") + "&" + aliyunEncode(canonical)
        return Signing.base64(Signing.hmac(.sha1, key: Array((secret + "&").utf8), message: Array(toSign.utf8)))
    }

    /// The common parameters' problem (status, code, message), or nil.
    func checkCommon(_ p: [String: String], method: String) -> (Int, String, String)? {
        for name in ["Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"]
        where (p[name] ?? "").isEmpty {
            return (400, "Missing\(name)", "\(name) is mandatory for this action.")
        }
        guard p["Version"] == "2017-05-25" else { return (400, "InvalidVersion", "Specified parameter Version is not valid.") }
        guard p["Format"] == nil || p["Format"] == "JSON" || p["Format"] == "XML" else { return (400, "InvalidParameter", "Format") }
        guard p["SignatureMethod"] == "HMAC-SHA1" else { return (400, "InvalidSignatureMethod", "HMAC-SHA1 only") }
        guard p["SignatureVersion"] == "1.0" else { return (400, "InvalidSignatureVersion", "1.0 only") }
        let formatter = ISO8601DateFormatter()
        guard let ts = p["Timestamp"], ts.hasSuffix("Z"), let at = formatter.date(from: ts) else {
            return (400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
        }
        guard abs(at.timeIntervalSinceNow) <= 15 * 60 else {
            return (400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        }
        guard p["AccessKeyId"] == Self.accessKeyID else { return (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.") }
        let expected = Self.expectedSignature(p, method: method, secret: Self.accessKeySecret)
        guard Signing.constantTimeEquals(Array(expected.utf8), Array((p["Signature"] ?? "").utf8)) else {
            return (400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        }
        let fresh = state.withLock { $0.nonces.insert(p["SignatureNonce"] ?? "").inserted }
        guard fresh else { return (400, "SignatureNonceUsed", "Specified signature nonce was used already.") }
        return nil
    }
}
