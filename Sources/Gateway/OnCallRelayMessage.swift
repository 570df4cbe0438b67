import AlertCore
import Foundation
import OnCall

/// The form of `POST api/v1/make_call` and `api/v1/send_sms`, as OnCall OSS sends it
/// (`email=…&message=…`, form-encoded), checked as Grafana's cloud checks it: both present and
/// not blank, `message` at most 1024 characters.
struct OnCallRelayMessage: Equatable {
    /// Grafana's cloud refuses longer messages.
    static let maxMessageCharacters = 1024

    var email: String
    var message: String

    /// The fields of `body`, or which one is missing or wrong.
    static func parse(_ body: [UInt8]) -> Result<OnCallRelayMessage, Refusal> {
        let pairs = PercentEncoding.formPairs(body)
        func field(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
        guard let email = field("email")?.trimmingWhitespace(), !email.isEmpty else {
            return .failure("email: missing (a form field, the person's e-mail)")
        }
        guard email.contains("@"), !email.contains(where: \.isWhitespace) else { return .failure("email: not an e-mail address: \"\(email)\"") }
        // Counted before trimming, in Unicode scalars: the limit as the OpenAPI document states it.
        guard let raw = field("message"), case let message = raw.trimmingWhitespace(), !message.isEmpty else {
            return .failure("message: missing (a form field, what to say or write)")
        }
        let count = raw.unicodeScalars.count
        guard count <= maxMessageCharacters else {
            return .failure("message: \(count) characters; at most \(maxMessageCharacters)")
        }
        return .success(OnCallRelayMessage(email: email, message: message))
    }

    /// The notification that has `klaxon-voice` call (`channel` voice) or text (sms) `phone`,
    /// `person`'s. Its alert carries OnCall's text as title and message, so the built-in voice
    /// text says "Klaxon alert. FIRING, severity critical: <text>." and the SMS starts
    /// "[FIRING][critical] <text>"; `template` (a `templates:` set) can say it otherwise. No
    /// incident: the call has no key menu (OnCall gives the relay no alert group to acknowledge).
    ///
    /// `id` is made once per request (`OnCallRelayMessage.notificationID`) and is also the
    /// alert's id.
    func notification(id: String, channel: Channel, person: Person, phone: String, tokenName: String, template: String?, at: Date)
        -> AlertNotification
    {
        let now = Timestamps.format(at)
        let alert = Alert(
            id: id, source: "grafana-oncall", integration: "oncall-relay", status: .firing, fingerprint: "oncall-relay:\(person.id.rawValue)",
            title: message, message: message, severity: "critical",
            labels: ["alertname": "Grafana OnCall", "person": person.id.rawValue, "oncall_token": tokenName], annotations: [:],
            startsAt: now, endsAt: nil, receivedAt: now, links: [])
        return AlertNotification(
            id: id, channel: channel.rawValue, recipients: [phone], route: "oncall-relay:\(tokenName)", template: template, alert: alert)
    }

    /// A fresh notification id for one relay request: `oncall-relay-` and a random UUID. It is
    /// made once per request, so a publish the gateway repeats (a broker reconnect) carries the
    /// same id and `klaxon-voice` rings once (its delivery claim); two requests with the same
    /// text both ring, as OnCall means them to (two escalation steps, two alert groups). A time
    /// bucket would merge those; OnCall never retries a relay request, so a per-request id
    /// loses nothing.
    static func notificationID(_ random: String) -> String { "oncall-relay-\(random)" }
}
