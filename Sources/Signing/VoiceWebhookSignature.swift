import Foundation

/// The signature of Klaxon's voice webhook and of its callback (docs/voice.md):
/// `X-Klaxon-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` with the Unix
/// seconds in `X-Klaxon-Timestamp`, so a captured request cannot be replayed later with another
/// timestamp, nor its body changed.
public enum VoiceWebhookSignature {
    public static let signatureHeader = "X-Klaxon-Signature"
    public static let timestampHeader = "X-Klaxon-Timestamp"
    /// How far a timestamp may be from the receiver's clock.
    public static let maxSkewSeconds: Int64 = 300

    /// `sha256=<hex>`.
    public static func sign(secret: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        "sha256=" + Signing.hex(Signing.hmac(.sha256, key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + Array(body)))
    }

    /// Why a request is refused, or nil when `signature` is right for one of `secrets` and the
    /// timestamp is within `maxSkewSeconds` of `now`.
    public static func problem(signature: String?, timestamp: String?, body: [UInt8], secrets: [String], now: Date) -> String? {
        guard let timestamp, let ts = Int64(timestamp) else { return "missing or malformed \(timestampHeader)" }
        guard let signature, signature.hasPrefix("sha256=") else { return "missing or malformed \(signatureHeader)" }
        guard abs(Int64(now.timeIntervalSince1970) - ts) <= maxSkewSeconds else { return "\(timestampHeader) is too far from now" }
        var ok = false
        for secret in secrets where Signing.constantTimeEquals(Array(sign(secret: secret, timestamp: ts, body: body).utf8), Array(signature.utf8)) {
            ok = true
        }
        return ok ? nil : "signature does not match"
    }
}
