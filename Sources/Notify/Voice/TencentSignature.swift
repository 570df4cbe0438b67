import Foundation
import Signing

/// Tencent Cloud API 3.0's TC3-HMAC-SHA256 for a JSON POST to `/` (TencentCloud/tencentcloud-sdk-go
/// `tencentcloud/common/client.go`; shared/voice-providers.md §3):
///
/// ```
/// CanonicalRequest = "POST\n/\n\ncontent-type:application/json\nhost:<host>\n\ncontent-type;host\n" + hex(sha256(body))
/// StringToSign     = "TC3-HMAC-SHA256\n" + timestamp + "\n" + date + "/<service>/tc3_request\n" + hex(sha256(CanonicalRequest))
/// kDate = HMAC-SHA256("TC3" + SecretKey, date); kService = HMAC(kDate, service); kSigning = HMAC(kService, "tc3_request")
/// Signature = hex(HMAC-SHA256(kSigning, StringToSign))
/// Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=<hex>
/// ```
///
/// `date` is the UTC day (`YYYY-MM-DD`) of the Unix `timestamp` sent in `X-TC-Timestamp`.
public enum TencentSignature {
    public static let algorithm = "TC3-HMAC-SHA256"

    /// `YYYY-MM-DD` of `timestamp` in UTC.
    public static func date(_ timestamp: Int64) -> String {
        // ISO8601FormatStyle is UTC unless told otherwise.
        Date(timeIntervalSince1970: TimeInterval(timestamp)).formatted(Date.ISO8601FormatStyle().year().month().day())
    }

    /// The canonical request of a JSON POST to `/` of `host`.
    public static func canonicalRequest(host: String, body: some Collection<UInt8>) -> String {
        "POST\n/\n\ncontent-type:application/json\nhost:\(host)\n\ncontent-type;host\n" + Signing.sha256Hex(body)
    }

    /// The string signed for `service` at `timestamp` (Unix seconds).
    public static func stringToSign(service: String, host: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        "\(algorithm)\n\(timestamp)\n\(date(timestamp))/\(service)/tc3_request\n"
            + Signing.sha256Hex(Array(canonicalRequest(host: host, body: body).utf8))
    }

    /// The hex signature.
    public static func signature(secretKey: String, service: String, host: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        let kDate = Signing.hmac(.sha256, key: Array(("TC3" + secretKey).utf8), message: Array(date(timestamp).utf8))
        let kService = Signing.hmac(.sha256, key: kDate, message: Array(service.utf8))
        let kSigning = Signing.hmac(.sha256, key: kService, message: Array("tc3_request".utf8))
        let toSign = stringToSign(service: service, host: host, timestamp: timestamp, body: body)
        return Signing.hex(Signing.hmac(.sha256, key: kSigning, message: Array(toSign.utf8)))
    }

    /// The `Authorization` header.
    public static func authorization(
        secretID: String, secretKey: String, service: String, host: String, timestamp: Int64, body: some Collection<UInt8>
    ) -> String {
        "\(algorithm) Credential=\(secretID)/\(date(timestamp))/\(service)/tc3_request, SignedHeaders=content-type;host, "
            + "Signature=\(signature(secretKey: secretKey, service: service, host: host, timestamp: timestamp, body: body))"
    }
}
