import AlertCore
import Foundation
import Signing

/// The robots' request signatures (shared/protocols.md B1, B3), on libcrypto's HMAC-SHA256.
public enum RobotSignature {
    /// DingTalk: `base64(HMAC-SHA256(key: secret, message: "<timestamp ms>\n<secret>"))`, to be
    /// URL-encoded into the `sign` query parameter next to `timestamp`.
    public static func dingTalk(secret: String, timestampMillis: Int64) -> String {
        Signing.base64(Signing.hmac(.sha256, key: secret, message: "\(timestampMillis)\n\(secret)"))
    }

    /// Feishu/Lark: `base64(HMAC-SHA256(key: "<timestamp s>\n<secret>", message: ""))`, sent in
    /// the JSON body as `sign` next to `timestamp`.
    public static func feishu(secret: String, timestampSeconds: Int64) -> String {
        Signing.base64(Signing.hmac(.sha256, key: "\(timestampSeconds)\n\(secret)", message: ""))
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986), so base64's `+ / =`
    /// survive a query string.
    public static func queryEncode(_ s: String) -> String { PercentEncoding.unreserved(s) }

    /// `url` with `extra` appended to its query.
    static func appendQuery(_ url: String, _ extra: String) -> String {
        url + (url.contains("?") ? "&" : "?") + extra
    }
}
