import AlertCore
import Foundation
import HTTPServer
import Signing

/// The per-integration checks after the URL token: HTTP basic auth and an HMAC signature header
/// (Grafana's `X-Grafana-Alerting-Signature`: hex(HMAC-SHA256(secret, [ts + ":"] + body))).
/// Secrets are compared in constant time; a failure says what is wrong, never the secret.
enum GatewayAuth {
    struct Failure: Equatable {
        var message: String
        var headers: [(String, String)] = []
        static func == (a: Failure, b: Failure) -> Bool { a.message == b.message }
    }

    /// nil when every configured check passes.
    static func check(_ auth: IntegrationAuth, _ req: HTTPRequest, now: Date = Date()) -> Failure? {
        if let basic = auth.basic, let f = checkBasic(basic, req.headers["authorization"]) { return f }
        if let hmac = auth.hmac, let f = checkHMAC(hmac, req, now: now) { return f }
        return nil
    }

    static let challenge = ("WWW-Authenticate", "Basic realm=\"klaxon\", charset=\"UTF-8\"")

    static func checkBasic(_ basic: IntegrationAuth.Basic, _ header: String?) -> Failure? {
        guard let header, !header.isEmpty else {
            return Failure(message: "basic authentication required: missing Authorization header", headers: [challenge])
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Signing.bytes(base64: String(parts[1]).trimmingWhitespace()),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else {
            return Failure(message: "basic authentication required: malformed Authorization header", headers: [challenge])
        }
        // Compare digests, so the comparison takes the same time whatever the lengths; check both
        // parts without an early exit.
        let userOK = Signing.constantTimeEquals(Signing.sha256(decoded[..<colon]), Signing.sha256(Array(basic.username.utf8)))
        let passOK = Signing.constantTimeEquals(Signing.sha256(decoded[(colon + 1)...]), Signing.sha256(Array(basic.password.utf8)))
        guard userOK && passOK else {
            return Failure(message: "basic authentication failed: wrong username or password", headers: [challenge])
        }
        return nil
    }

    static func checkHMAC(_ h: IntegrationAuth.HMACHeader, _ req: HTTPRequest, now: Date) -> Failure? {
        guard let provided = req.headers[h.header.lowercased()], !provided.isEmpty else {
            return Failure(message: "signature required: missing \(h.header) header")
        }
        guard let signature = Signing.bytes(hex: provided.trimmingWhitespace()),
            signature.count == Signing.Algorithm.sha256.digestLength
        else {
            return Failure(message: "malformed \(h.header) header: expected 64 hex digits (HMAC-SHA256)")
        }
        var message: [UInt8] = []
        if let tsHeader = h.timestampHeader {
            guard let ts = req.headers[tsHeader.lowercased()], !ts.isEmpty else {
                return Failure(message: "signature timestamp required: missing \(tsHeader) header")
            }
            guard let seconds = Int64(ts.trimmingWhitespace()) else {
                return Failure(message: "malformed \(tsHeader) header: expected Unix seconds")
            }
            // In Double: any Int64 a client sends stays finite, nothing can overflow.
            let skewMillis = abs(now.timeIntervalSince1970 - Double(seconds)) * 1000
            guard skewMillis <= Double(h.maxSkewMillis) else {
                return Failure(message: "\(tsHeader) is more than \(formatDurationMillis(h.maxSkewMillis)) away from the gateway's clock")
            }
            message.reserveCapacity(ts.utf8.count + 1 + req.body.count)
            message.append(contentsOf: ts.trimmingWhitespace().utf8)
            message.append(UInt8(ascii: ":"))
        }
        message.append(contentsOf: req.body)
        let expected = Signing.hmacSHA256(key: Array(h.secret.utf8), message: message)
        guard Signing.constantTimeEquals(expected, signature) else {
            return Failure(message: "signature mismatch: \(h.header) does not match the body")
        }
        return nil
    }
}
