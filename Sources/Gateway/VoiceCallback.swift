import AlertCore
import Escalation
import Foundation
import Signing

/// The pure part of the phone providers' callbacks (docs/voice.md): which key means what, and
/// the two request shapes after their signatures were checked.
enum VoiceCallback {
    /// What a key pressed during a page call does: 1 acknowledge, 2 resolve, 3 snooze 30 minutes.
    static func verb(digits: String) -> (verb: IncidentVerb, snooze: TimeInterval?)? {
        switch digits {
        case "1": (.acknowledge, nil)
        case "2": (.resolve, nil)
        case "3": (.snooze, 30 * 60)
        default: nil
        }
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
