import AlertCore
import Escalation
import Foundation
import Signing

/// The pure part of the phone providers' callbacks (docs/voice.md): what a call says after a
/// key, the URL checks, and the webhook's request shape (Aliyun's and Tencent's are
/// `AliyunReceipt` and `TencentCallback`). What a key does is `PhoneKey`.
enum VoiceCallback {
    /// The gateway has no Redis: it cannot find the calls `klaxon-voice` recorded.
    struct NoRedis: Error, CustomStringConvertible {
        var description: String { "the gateway has no Redis (redis:) to read the recorded calls from" }
    }

    /// Whether `token` (the URL's `token`) is one of `tokens`, each compared in constant time
    /// without an early exit.
    static func tokenMatches(_ token: String?, _ tokens: [String]) -> Bool {
        guard let token, !token.isEmpty else { return false }
        var ok = false
        for t in tokens where Signing.constantTimeEquals(Array(t.utf8), Array(token.utf8)) { ok = true }
        return ok
    }

    /// What the call says after a key.
    static func reply(_ verb: IncidentVerb?) -> String {
        switch verb {
        case .acknowledge: "Acknowledged"
        case .resolve: "Resolved"
        case .snooze: "Snoozed for 30 minutes"
        default: "Unknown key. Nothing was changed."
        }
    }

    /// The URL Twilio requested, rebuilt from the gateway's public URL and the query the worker
    /// wrote (`VoiceCallbacks.query`): libmicrohttpd hands over decoded arguments only, and the
    /// worker always spells them the same way.
    static func twilioURL(publicURL: String, path: String, query: [String: String]) -> String {
        VoiceCallbacks.url(publicURL, path, notification: query["n"] ?? "", incident: query["i"] ?? "")
    }

    /// A webhook callback's body: `{notification_id, incident_id, to, outcome, digits}`.
    struct WebhookBody: Decodable, Sendable {
        var notification_id: String
        var incident_id: String
        var to: String
        var outcome: String
        var digits: String?

        static let outcomes: Set<String> = ["answered", "no_answer", "busy", "failed"]

        /// The body, or why it is refused (answered 400).
        static func parse(_ body: [UInt8]) -> (body: WebhookBody?, problem: String) {
            guard let b = try? JSONDecoder().decode(WebhookBody.self, from: Data(body)) else {
                return (nil, "expected JSON {notification_id, incident_id, to, outcome, digits}")
            }
            guard outcomes.contains(b.outcome) else { return (nil, "outcome must be one of \(outcomes.sorted().joined(separator: ", "))") }
            guard !b.notification_id.isEmpty else { return (nil, "notification_id is empty") }
            return (b, "")
        }
    }
}
