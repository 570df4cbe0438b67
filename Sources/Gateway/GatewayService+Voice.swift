import AlertCore
import Escalation
import Foundation
import HTTPServer
import Signing

/// Phone providers' callbacks (docs/voice.md): Twilio's `<Gather>` action and status callback
/// (form POSTs checked by `X-Twilio-Signature` against every configured Twilio auth token) and
/// the webhook provider's signed JSON. A key pressed becomes one `IncidentCommand` (via
/// `phoneKey`, by the person whose phone was called, id = call + key so a retried callback
/// applies once), answered only after the broker confirmed it.
extension GatewayService {
    func voiceCallback(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        guard req.method == "POST" else {
            return reject(respond, 405, "method", "method \(req.method) not allowed; use POST", headers: [("Allow", "POST")])
        }
        switch req.path {
        case VoiceCallbacks.twilioGatherPath, VoiceCallbacks.twilioStatusPath: twilio(req, respond)
        case VoiceCallbacks.webhookPath: webhook(req, respond)
        default: reject(respond, 404, "not_found", "not found")
        }
    }

    private func twilio(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        let tokens = config.voice.providers.filter { $0.kind == .twilio }.map(\.authToken)
        guard !tokens.isEmpty, let publicURL = config.gateway.publicURL else {
            return reject(respond, 404, "not_found", "no Twilio provider is configured (voice.providers, gateway.public_url)")
        }
        let params = PercentEncoding.formPairs(req.body).map { ($0.name, $0.value) }
        let url = VoiceCallback.twilioURL(publicURL: publicURL, path: req.path, query: req.query)
        guard let signature = req.headers["x-twilio-signature"],
            TwilioSignature.isValid(signature: signature, authTokens: tokens, url: url, params: params)
        else {
            stats.voiceCallbacks.inc(["provider": "twilio", "outcome": "bad_signature"])
            return reject(respond, 403, "signature", "X-Twilio-Signature missing or wrong")
        }
        let field = { (name: String) in params.first { $0.0 == name }?.1 ?? "" }
        if req.path == VoiceCallbacks.twilioStatusPath {
            let status = field("CallStatus")
            stats.voiceCallbacks.inc(["provider": "twilio", "outcome": status.isEmpty ? "unknown" : String(status.prefix(20))])
            logger.info(
                "call status", ["call": field("CallSid"), "status": status, "notification": req.query["n"] ?? "", "incident": req.query["i"] ?? ""])
            return respond(Self.twiml("<Response/>"))
        }
        let digits = field("Digits")
        keyPressed(
            digits: digits, incident: req.query["i"] ?? "", to: field("To"), commandID: "twilio:\(field("CallSid")):\(digits)", provider: "twilio"
        ) { verb, failure in
            if failure != nil { return respond(.error(503, "the command could not be handed to the escalator; try again")) }
            // Fixed texts: nothing to escape.
            respond(Self.twiml("<Response><Say>\(VoiceCallback.reply(verb))</Say></Response>"))
        }
    }

    private func webhook(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        let secrets = config.voice.providers.filter { $0.kind == .webhook }.map(\.secret)
        guard !secrets.isEmpty else { return reject(respond, 404, "not_found", "no webhook provider is configured (voice.providers)") }
        if let problem = VoiceWebhookSignature.problem(
            signature: req.headers["x-klaxon-signature"], timestamp: req.headers["x-klaxon-timestamp"], body: req.body, secrets: secrets, now: now())
        {
            stats.voiceCallbacks.inc(["provider": "webhook", "outcome": "bad_signature"])
            return reject(respond, 403, "signature", problem)
        }
        let parsed = VoiceCallback.WebhookBody.parse(req.body)
        guard let body = parsed.body else { return reject(respond, 400, "body", parsed.problem) }
        guard body.outcome == "answered", let digits = body.digits, !digits.isEmpty else {
            stats.voiceCallbacks.inc(["provider": "webhook", "outcome": body.outcome])
            logger.info("call outcome", ["notification": body.notification_id, "incident": body.incident_id, "outcome": body.outcome])
            return respond(.json(200, Array(#"{"applied":false}"#.utf8)))
        }
        keyPressed(
            digits: digits, incident: body.incident_id, to: body.to, commandID: "webhook:\(body.notification_id):\(digits)", provider: "webhook"
        ) { verb, failure in
            if failure != nil { return respond(.error(503, "the command could not be handed to the escalator; try again")) }
            respond(.json(200, Array((verb == nil ? #"{"applied":false}"# : #"{"applied":true}"#).utf8)))
        }
    }

    /// Publishes the command a key means (none for other keys or without an incident), then
    /// calls `done` with the verb applied (nil: none) and the publish failure (nil: confirmed).
    private func keyPressed(
        digits: String, incident: String, to: String, commandID: String, provider: String,
        done: @escaping @Sendable (IncidentVerb?, String?) -> Void
    ) {
        guard let (verb, snooze) = VoiceCallback.verb(digits: digits), !incident.isEmpty else {
            stats.voiceCallbacks.inc(["provider": provider, "outcome": "other_key"])
            return done(nil, nil)
        }
        stats.voiceCallbacks.inc(["provider": provider, "outcome": "key_\(digits)"])
        let by = config.people.first { $0.phone == to }?.id.rawValue ?? to
        let at = now()
        let command = IncidentCommand(
            id: commandID, incidentID: incident, action: verb.command, by: by, via: .phoneKey, until: snooze.map { at.addingTimeInterval($0) }, at: at
        )
        Task {
            let failure = await publish(command, verb: verb, path: .phoneKey)
            done(verb, failure)
        }
    }

    static func twiml(_ document: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/xml")], body: Array(document.utf8))
    }
}
