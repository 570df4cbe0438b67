import Foundation

/// Where phone providers call the gateway back (`gateway.public_url` + path), written once for
/// the worker that builds the URLs and the gateway that checks their signatures: Twilio signs
/// the URL exactly as it was given, so both sides must spell the query the same way.
public enum VoiceCallbacks {
    /// Twilio's `<Gather action>`: the key pressed (`Digits`).
    public static let twilioGatherPath = "/voice/twilio/gather"
    /// Twilio's `StatusCallback`: how the call ended (`CallStatus`).
    public static let twilioStatusPath = "/voice/twilio/status"
    /// The webhook provider's callback: outcome and key, as signed JSON.
    public static let webhookPath = "/voice/webhook/callback"
    /// Aliyun's HTTP batch push of call receipts (`VoiceCallReport`, `VoiceReport`), set in
    /// Aliyun's console as `<public_url>/voice/aliyun/receipts?token=<receipt token>`.
    public static let aliyunReceiptsPath = "/voice/aliyun/receipts"
    /// Tencent Cloud's callbacks (status, key press, failure), set in Tencent's console as
    /// `<public_url>/voice/tencent/callback?token=<callback token>`.
    public static let tencentCallbackPath = "/voice/tencent/callback"
    /// The query parameter carrying the secret of the two paths above: neither provider signs
    /// its pushes, so the URL itself is the credential.
    public static let tokenParameter = "token"

    /// A short id (15 lower-case hex digits, 60 bits) naming one call of one notification to
    /// one number, that providers echo back with the call's receipts (Aliyun's `OutId`, at most
    /// 15 bytes; Tencent's `SessionContext`). The same inputs always give the same reference.
    public static func reference(notification: String, to: String) -> String {
        String(Fingerprint.hash("\(notification)\n\(to)").prefix(15))
    }

    /// What a receipt is tied back to: the notification, its incident ("" for none) and the
    /// number called. Stored by `klaxon-voice` for each call it places, read by the gateway.
    public struct Call: Sendable, Equatable, Codable {
        public var notification: String
        public var incident: String
        public var to: String

        public init(notification: String, incident: String, to: String) {
            self.notification = notification
            self.incident = incident
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case notification = "n"
            case incident = "i"
            case to
        }
    }

    /// `n=<notification>&i=<incident>`, values percent-encoded (RFC 3986 unreserved kept), in
    /// this order.
    public static func query(notification: String, incident: String) -> String {
        "n=\(PercentEncoding.unreserved(notification))&i=\(PercentEncoding.unreserved(incident))"
    }

    /// `<public_url><path>?n=…&i=…`.
    public static func url(_ publicURL: String, _ path: String, notification: String, incident: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return "\(base)\(path)?\(query(notification: notification, incident: incident))"
    }
}
