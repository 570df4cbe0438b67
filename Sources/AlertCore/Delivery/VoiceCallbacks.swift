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
