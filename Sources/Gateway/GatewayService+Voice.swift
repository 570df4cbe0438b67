import AMQP
import AlertCore
import Escalation
import Foundation
import HTTPServer
import Signing
import WorkerKit

/// Phone providers' callbacks (docs/voice.md): Twilio's `<Gather>` action and status callback
/// (form POSTs checked by `X-Twilio-Signature` against every configured Twilio auth token), the
/// webhook provider's signed JSON, Aliyun's receipt pushes and Tencent Cloud's callbacks (both
/// unsigned by their providers: checked by the secret `token` in the URL). A key pressed becomes
/// one `IncidentCommand` (`PhoneKey`: via `phoneKey`, by the person whose phone was called, id =
/// provider + call + key so a retried callback applies once), answered only after the broker
/// confirmed it. Aliyun and Tencent name the call only by their ids: the incident comes from the
/// calls `klaxon-voice` recorded (`VoiceCallBook`).
extension GatewayService {
    func voiceCallback(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        guard req.method == "POST" else {
            return reject(respond, 405, "method", "method \(req.method) not allowed; use POST", headers: [("Allow", "POST")])
        }
        switch req.path {
        case VoiceCallbacks.twilioGatherPath, VoiceCallbacks.twilioStatusPath: twilio(req, respond)
        case VoiceCallbacks.webhookPath: webhook(req, respond)
        case VoiceCallbacks.aliyunReceiptsPath: aliyun(req, respond)
        case VoiceCallbacks.tencentCallbackPath: tencent(req, respond)
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
            let outcome = CallOutcome.twilio(status: status, sipCode: field("SipResponseCode"))
            Task {
                let failure = await reportOutcome(
                    outcome, incident: req.query["i"] ?? "", to: field("To"), callID: field("CallSid"), provider: "twilio")
                respond(
                    failure == nil ? Self.twiml("<Response/>") : .error(503, "the call's outcome could not be handed to the escalator; try again"))
            }
            return
        }
        let digits = field("Digits")
        let id = PhoneKey.commandID(provider: "twilio", callID: field("CallSid"), digits: digits)
        Task {
            let (verb, failure) = await pressKey(digits: digits, incident: req.query["i"] ?? "", to: field("To"), commandID: id, provider: "twilio")
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
            Task {
                let failure = await reportOutcome(
                    CallOutcome.webhook(body.outcome), incident: body.incident_id, to: body.to, callID: body.notification_id, provider: "webhook")
                if failure != nil { return respond(.error(503, "the call's outcome could not be handed to the escalator; try again")) }
                respond(.json(200, Array(#"{"applied":false}"#.utf8)))
            }
            return
        }
        let id = PhoneKey.commandID(provider: "webhook", callID: body.notification_id, digits: digits)
        Task {
            let (verb, failure) = await pressKey(digits: digits, incident: body.incident_id, to: body.to, commandID: id, provider: "webhook")
            if failure != nil { return respond(.error(503, "the command could not be handed to the escalator; try again")) }
            respond(.json(200, Array((verb == nil ? #"{"applied":false}"# : #"{"applied":true}"#).utf8)))
        }
    }

    /// Aliyun's batch push of receipts (`POST /voice/aliyun/receipts?token=…`): every report is
    /// counted and logged; a key (status 300000, or a `dtmf`) publishes its command; then the
    /// answer Aliyun expects, `{"code":0,"msg":"接收成功"}` (anything else makes it push again
    /// after 1, 5 and 10 minutes: so a command not confirmed, or Redis not answering, is a 503).
    private func aliyun(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        let tokens = config.voice.providers.filter { $0.kind == .aliyun }.map(\.aliyun.receiptToken)
        guard urlTokenAccepted(req, respond, tokens, provider: "aliyun", unconfigured: "no Aliyun provider has a receipt_token_env (voice.providers)")
        else { return }
        let parsed = AliyunReceipt.parse(req.body)
        guard let reports = parsed.reports else { return reject(respond, 400, "body", parsed.problem) }
        Task {
            var failure: String?
            for r in reports {
                guard let key = r.key else {
                    // Only logged: a Redis that does not answer leaves the log without the incident.
                    let call = try? await recordedCall(reference: r.outID, kind: .aliyun, callID: r.callID)
                    stats.voiceCallbacks.inc(["provider": "aliyun", "outcome": r.statusCode.isEmpty ? "unknown" : String(r.statusCode.prefix(12))])
                    logger.info(
                        "call receipt",
                        [
                            "provider": "aliyun", "call": r.callID, "status": r.statusCode, "message": String(r.statusMessage.prefix(100)),
                            "notification": call?.notification ?? "", "incident": call?.incident ?? "",
                        ])
                    if let call,
                        let problem = await reportOutcome(
                            CallOutcome.aliyun(statusCode: r.statusCode), incident: call.incident, to: call.to, callID: r.callID, provider: "aliyun")
                    {
                        failure = problem
                    }
                    continue
                }
                let call: VoiceCallbacks.Call?
                do { call = try await recordedCall(reference: r.outID, kind: .aliyun, callID: r.callID) } catch {
                    failure = "the recorded calls cannot be read: \(error)"
                    continue
                }
                guard let call else {
                    stats.voiceCallbacks.inc(["provider": "aliyun", "outcome": "unknown_call"])
                    logger.warning("a key for a call Klaxon has no record of", ["provider": "aliyun", "call": r.callID, "out_id": r.outID])
                    continue
                }
                let id = PhoneKey.commandID(provider: "aliyun", callID: r.callID, digits: key)
                let (_, problem) = await pressKey(digits: key, incident: call.incident, to: call.to, commandID: id, provider: "aliyun")
                if let problem { failure = problem }
            }
            if let failure {
                logger.warning("aliyun receipts not taken; Aliyun pushes them again", ["error": failure])
                return respond(.json(503, Array(#"{"code":1,"msg":"not taken; push again"}"#.utf8)))
            }
            respond(.json(200, Array(#"{"code":0,"msg":"接收成功"}"#.utf8)))
        }
    }

    /// Tencent Cloud's callbacks (`POST /voice/tencent/callback?token=…`): a key press publishes
    /// its command; status and failure callbacks are counted and logged; answered
    /// `{"result":0,"errmsg":"OK"}`, or 503 when the command was not confirmed.
    private func tencent(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        let tokens = config.voice.providers.filter { $0.kind == .tencent }.map(\.tencent.callbackToken)
        guard urlTokenAccepted(req, respond, tokens, provider: "tencent", unconfigured: "no Tencent provider is configured (voice.providers)")
        else { return }
        let parsed = TencentCallback.parse(req.body)
        guard let callback = parsed.callback else { return reject(respond, 400, "body", parsed.problem) }
        let ok = HTTPResponse.json(200, Array(#"{"result":0,"errmsg":"OK"}"#.utf8))
        Task {
            guard callback.kind == .key else {
                let call = try? await recordedCall(reference: "", kind: .tencent, callID: callback.callID)
                stats.voiceCallbacks.inc(["provider": "tencent", "outcome": callback.outcome])
                logger.info(
                    "call status",
                    [
                        "provider": "tencent", "call": callback.callID, "outcome": callback.outcome, "reason": String(callback.reason.prefix(100)),
                        "notification": call?.notification ?? "", "incident": call?.incident ?? "",
                    ])
                if let call,
                    await reportOutcome(
                        CallOutcome.tencent(callback: callback.kind.rawValue, code: callback.code), incident: call.incident, to: call.to,
                        callID: callback.callID, provider: "tencent")
                        != nil
                {
                    return respond(.json(503, Array(#"{"result":1,"errmsg":"not taken; try again"}"#.utf8)))
                }
                return respond(ok)
            }
            let call: VoiceCallbacks.Call?
            do { call = try await recordedCall(reference: "", kind: .tencent, callID: callback.callID) } catch {
                logger.warning("tencent key not taken: the recorded calls cannot be read", ["error": "\(error)"])
                return respond(.json(503, Array(#"{"result":1,"errmsg":"try again"}"#.utf8)))
            }
            guard let call else {
                stats.voiceCallbacks.inc(["provider": "tencent", "outcome": "unknown_call"])
                logger.warning("a key for a call Klaxon has no record of", ["provider": "tencent", "call": callback.callID])
                return respond(ok)
            }
            let key = String(callback.keypress.prefix(1))
            let id = PhoneKey.commandID(provider: "tencent", callID: callback.callID, digits: key)
            let (_, failure) = await pressKey(digits: key, incident: call.incident, to: call.to, commandID: id, provider: "tencent")
            if failure != nil { return respond(.json(503, Array(#"{"result":1,"errmsg":"not taken; try again"}"#.utf8))) }
            respond(ok)
        }
    }

    /// The check of a push its provider does not sign (Aliyun, Tencent): the secret `token` in
    /// the URL must be one of `tokens` (empty ones ignored). Answers 404 when none is configured,
    /// 403 (counted as `bad_token`) for a missing or wrong one; true when the request may go on.
    private func urlTokenAccepted(
        _ req: HTTPRequest, _ respond: @escaping HTTPResponder, _ tokens: [String], provider: String, unconfigured: String
    ) -> Bool {
        let tokens = tokens.filter { !$0.isEmpty }
        guard !tokens.isEmpty else {
            reject(respond, 404, "not_found", unconfigured)
            return false
        }
        guard VoiceCallback.tokenMatches(req.query[VoiceCallbacks.tokenParameter], tokens) else {
            stats.voiceCallbacks.inc(["provider": provider, "outcome": "bad_token"])
            reject(respond, 403, "signature", "the token in the URL is missing or wrong")
            return false
        }
        return true
    }

    /// The call `klaxon-voice` recorded under `reference` (if any) or the provider's call id;
    /// throws when Redis cannot be read (or the gateway has no Redis).
    private func recordedCall(reference: String, kind: VoiceConfig.Kind, callID: String) async throws -> VoiceCallbacks.Call? {
        guard let voiceCalls else { throw VoiceCallback.NoRedis() }
        if !reference.isEmpty, let call = try await voiceCalls.call(reference: reference) { return call }
        return try await voiceCalls.call(kind: kind, callID: callID)
    }

    /// Publishes the command a key means (none for other keys or without an incident); returns
    /// the verb applied (nil: none) and the publish failure (nil: confirmed or nothing to publish).
    private func pressKey(digits: String, incident: String, to: String, commandID: String, provider: String) async -> (IncidentVerb?, String?) {
        guard let command = PhoneKey.command(digits: digits, incidentID: incident, to: to, people: config.people, id: commandID, at: now()),
            let verb = IncidentVerb(rawValue: command.action.rawValue)
        else {
            stats.voiceCallbacks.inc(["provider": provider, "outcome": "other_key"])
            return (nil, nil)
        }
        stats.voiceCallbacks.inc(["provider": provider, "outcome": "key_\(digits)"])
        return (verb, await publish(command, verb: verb, path: .phoneKey))
    }

    /// Publishes how a page call ended (`PhoneKey.outcomeCommand`, id `<provider>:<call>:outcome`
    /// so a repeated callback applies once): nil when confirmed or when there is nothing to
    /// record (no outcome, no incident); else why it failed.
    private func reportOutcome(_ outcome: CallOutcome?, incident: String, to: String, callID: String, provider: String) async -> String? {
        guard let outcome,
            let command = PhoneKey.outcomeCommand(
                outcome, incidentID: incident, to: to, people: config.people, id: "\(provider):\(callID):outcome", at: now())
        else { return nil }
        let failure = await publishConfirmed(OutboundMessage(.command(command), topology: topology))
        if let failure {
            logger.warning("call outcome not confirmed", ["incident": incident, "outcome": outcome.rawValue, "error": failure])
        } else {
            stats.voiceCallbacks.inc(["provider": provider, "outcome": "recorded_\(outcome.rawValue)"])
        }
        return failure
    }

    static func twiml(_ document: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "application/xml")], body: Array(document.utf8))
    }
}
