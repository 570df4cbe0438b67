import AlertCore
import Foundation
import Signing

/// Aliyun's RPC signature, version 1.0 (help.aliyun.com/document_detail/28839.html;
/// shared/voice-providers.md §2): every parameter but `Signature` sorted by name, names and
/// values percent-encoded as UTF-8 with only `A-Z a-z 0-9 - _ . ~` kept (`PercentEncoding.unreserved`:
/// a space is `%20`, `*` is `%2A`, `~` stays), joined `k=v` with `&`;
/// `StringToSign = METHOD + "&" + enc("/") + "&" + enc(canonical query)`;
/// `Signature = base64(HMAC-SHA1(key: AccessKeySecret + "&", StringToSign))`.
public enum AliyunSignature {
    /// The canonical query of `params` (names sorted by their bytes).
    public static func canonicalQuery(_ params: [(String, String)]) -> String {
        params.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            .map { "\(PercentEncoding.unreserved($0.0))=\(PercentEncoding.unreserved($0.1))" }
            .joined(separator: "&")
    }

    /// `METHOD&%2F&<encoded canonical query>`.
    public static func stringToSign(method: String, params: [(String, String)]) -> String {
        "\(method)&\(PercentEncoding.unreserved("/"))&\(PercentEncoding.unreserved(canonicalQuery(params)))"
    }

    /// The `Signature` parameter's value (before it is percent-encoded into the request).
    public static func sign(secret: String, method: String, params: [(String, String)]) -> String {
        Signing.base64(Signing.hmac(.sha1, key: secret + "&", message: stringToSign(method: method, params: params)))
    }

    /// The request's form body (or query): the canonical query with `Signature` appended.
    public static func signedQuery(secret: String, method: String, params: [(String, String)]) -> String {
        canonicalQuery(params) + "&Signature=" + PercentEncoding.unreserved(sign(secret: secret, method: method, params: params))
    }
}
