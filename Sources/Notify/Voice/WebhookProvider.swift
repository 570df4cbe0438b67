import AlertCore
import Foundation
import Signing

/// The operator's own telephony (an Asterisk box, an internal VoIP or push gateway): a JSON POST
/// `{type: "call"|"sms", notification_id, incident_id, to, message, language, callback_url}`
/// signed with `X-Klaxon-Signature` / `X-Klaxon-Timestamp` (`VoiceWebhookSignature`). Any 2xx
/// accepts it (a JSON body's `id`, if any, names the call); 5xx and 429 are transient, other
/// 4xx permanent. The outcome comes back to `callback_url` (docs/voice.md).
public struct WebhookProvider: VoiceProvider {
    public let name: String
    let config: VoiceConfig.Provider
    let publicURL: String?
    let http: VoiceHTTP
    let now: @Sendable () -> Date

    public init(_ config: VoiceConfig.Provider, publicURL: String?, http: VoiceHTTP, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = config.name
        self.config = config
        self.publicURL = publicURL
        self.http = http
        self.now = now
    }

    public func send(_ request: VoiceRequest) async throws(DeliveryError) -> String {
        let body = Self.body(request, publicURL: publicURL)
        let ts = Int64(now().timeIntervalSince1970)
        let (status, answer) = try await http.post(
            config.url,
            headers: [
                ("Content-Type", "application/json"),
                (VoiceWebhookSignature.timestampHeader, String(ts)),
                (VoiceWebhookSignature.signatureHeader, VoiceWebhookSignature.sign(secret: config.secret, timestamp: ts, body: body)),
            ], body: body)
        if let e = DeliveryError.classifyHTTP(
            status: status, detail: "\(name): HTTP \(status) \(String(decoding: answer.prefix(200), as: UTF8.self))")
        {
            throw e
        }
        let object = (try? JSONSerialization.jsonObject(with: answer)) as? [String: Any]
        return (object?["id"] as? String) ?? request.notificationID
    }

    /// The request's JSON (keys sorted); `callback_url` is null without a public URL.
    public static func body(_ r: VoiceRequest, publicURL: String?) -> [UInt8] {
        let callback: Any =
            publicURL.map { VoiceCallbacks.url($0, VoiceCallbacks.webhookPath, notification: r.notificationID, incident: r.incidentID) } ?? NSNull()
        let object: [String: Any] = [
            "type": r.kind.rawValue, "notification_id": r.notificationID, "incident_id": r.incidentID, "to": r.to,
            "message": r.message, "language": r.language, "callback_url": callback,
        ]
        // Strings and null only: serialization cannot fail.
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
