import AlertCore
import Foundation
import Signing

/// Twilio Programmable Voice and Messaging (shared/voice-providers.md §1): a call is
/// `POST {base}/2010-04-01/Accounts/{sid}/Calls.json` with `Twiml` (the message and the key
/// menu inside `<Gather>`, whose action and `StatusCallback` reach the gateway), an SMS is
/// `Messages.json` with `Body`. HTTP Basic `AccountSid:AuthToken`, form-encoded.
public struct TwilioProvider: VoiceProvider {
    public let name: String
    let config: VoiceConfig.Provider
    let publicURL: String?
    let http: VoiceHTTP

    public init(_ config: VoiceConfig.Provider, publicURL: String?, http: VoiceHTTP) {
        self.name = config.name
        self.config = config
        self.publicURL = publicURL
        self.http = http
    }

    /// SMS bodies are cut here (Twilio's own limit is 1600 characters).
    static let smsLimit = 1600

    public func send(_ request: VoiceRequest) async throws(DeliveryError) -> String {
        let (path, form) = Self.form(request, config: config, publicURL: publicURL)
        let url = "\(config.baseURL)/2010-04-01/Accounts/\(PercentEncoding.unreserved(config.accountSID))/\(path)"
        let auth = "Basic " + Signing.base64(Array("\(config.accountSID):\(config.authToken)".utf8))
        let (status, body) = try await http.post(
            url, headers: [("Authorization", auth), ("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8))
        return try Self.judge(status: status, body: body, provider: name)
    }

    /// The resource and form of a request: `Calls.json` with To, From, Twiml, StatusCallback;
    /// `Messages.json` with To, From, Body.
    public static func form(_ r: VoiceRequest, config: VoiceConfig.Provider, publicURL: String?) -> (path: String, form: String) {
        switch r.kind {
        case .sms:
            return ("Messages.json", PercentEncoding.form([("To", r.to), ("From", config.from), ("Body", String(r.message.prefix(smsLimit)))]))
        case .call:
            var fields = [("To", r.to), ("From", config.from)]
            if let publicURL, !r.incidentID.isEmpty {
                let gather = VoiceCallbacks.url(publicURL, VoiceCallbacks.twilioGatherPath, notification: r.notificationID, incident: r.incidentID)
                fields.append(("Twiml", TwiML.page(message: r.message, language: r.language, gatherURL: gather)))
            } else {
                // No public URL, or no incident (a route's notification, a Grafana OnCall relay
                // call): no key can change anything, so the call only speaks, without a menu.
                fields.append(("Twiml", TwiML.notice(message: r.message, language: r.language)))
            }
            if let publicURL {
                fields.append(
                    (
                        "StatusCallback",
                        VoiceCallbacks.url(publicURL, VoiceCallbacks.twilioStatusPath, notification: r.notificationID, incident: r.incidentID)
                    ))
                fields.append(("StatusCallbackEvent", "completed"))
            }
            fields.append(("Timeout", "30"))
            return ("Calls.json", PercentEncoding.form(fields))
        }
    }

    /// 201 with the resource's `sid`, or the error: 401/20003 (credentials) and the number
    /// errors 21211, 21214, 21215, 21217, 21610, 21612, 21614 are permanent (another provider
    /// may succeed); 429/20429 and 5xx transient; other 4xx permanent (a request Twilio will
    /// never take).
    public static func judge(status: Int, body: Data, provider: String) throws(DeliveryError) -> String {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        if (200..<300).contains(status) {
            guard let sid = object?["sid"] as? String, !sid.isEmpty else {
                throw .transient(.invalidPayload, "\(provider): HTTP \(status) without a sid")
            }
            return sid
        }
        let code = (object?["code"] as? Int) ?? 0
        let message = ((object?["message"] as? String) ?? "").prefix(200)
        let detail = "\(provider): HTTP \(status)" + (code == 0 ? "" : " code \(code)") + (message.isEmpty ? "" : ": \(message)")
        if status == 401 || code == 20003 { throw .permanent(.authError, detail) }
        if numberCodes.contains(code) { throw .permanent(.vendorCode, detail) }
        if status == 429 || code == 20429 { throw .transient(.rateLimited, detail) }
        throw DeliveryError.classifyHTTP(status: status, detail: detail) ?? .transient(.serverError, detail)
    }

    /// Errors about the callee's number: this provider will never reach it.
    static let numberCodes: Set<Int> = [21211, 21214, 21215, 21217, 21610, 21612, 21614]
}
