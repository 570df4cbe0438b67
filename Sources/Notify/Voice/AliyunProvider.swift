import AlertCore
import Foundation

/// Aliyun Voice Messaging and SMS (shared/voice-providers.md §2, docs/voice.md): RPC calls
/// (`Version=2017-05-25`, `Format=JSON`, form POST signed by `AliyunSignature`) to dyvmsapi:
/// `IvrCall` (a purchased caller number and an IVR config: the start template says the alert
/// and the menu, keys 1/2/3 play their templates and come back in the receipts) or
/// `SingleCallByTts` (a notice call: no key); SMS is dysmsapi's `SendSms`. The alert text goes
/// into one template variable, without links, cut to the limit (`TemplateVariable`). `OutId`
/// is the request's `reference`, which the receipts carry back.
public struct AliyunProvider: VoiceOutcomePolling {
    public let name: String
    let config: VoiceConfig.Provider
    let settings: VoiceConfig.Aliyun
    let polling: Bool
    let http: VoiceHTTP
    let now: @Sendable () -> Date
    let nonce: @Sendable () -> String

    /// `publicURL` decides, with `receipts`, whether IVR calls are polled.
    public init(
        _ config: VoiceConfig.Provider, publicURL: String?, http: VoiceHTTP, now: @escaping @Sendable () -> Date = { Date() },
        nonce: @escaping @Sendable () -> String = { UUID().uuidString }
    ) {
        self.name = config.name
        self.config = config
        self.settings = config.aliyun
        self.polling = config.aliyun.polls(publicURL: publicURL)
        self.http = http
        self.now = now
        self.nonce = nonce
    }

    /// The API version of dyvmsapi and dysmsapi.
    public static let version = "2017-05-25"
    /// Template variables of a voice call: fewer than 250 characters in all.
    public static let voiceParamLimit = 249
    /// `QueryCallDetailByCallId`'s product id of IVR calls.
    public static let ivrProductID = "11000000300005"

    public var pollIntervalMillis: Int64 { settings.pollIntervalMillis }
    public var pollForMillis: Int64 { settings.pollForMillis }

    public func polls(_ request: VoiceRequest) -> Bool { polling && request.kind == .call && !request.incidentID.isEmpty && usesIVR(request) }

    /// An IVR call when one is configured, unless there is no incident for a key to act on and
    /// a notice template exists.
    func usesIVR(_ r: VoiceRequest) -> Bool { settings.ivr != nil && (!r.incidentID.isEmpty || settings.ttsCode.isEmpty) }

    public func send(_ request: VoiceRequest) async throws(DeliveryError) -> String {
        let (base, params) = try action(request)
        let object = try await call(base, params)
        let id = (object["CallId"] as? String) ?? (object["BizId"] as? String) ?? ""
        guard !id.isEmpty else { throw .transient(.invalidPayload, "\(name): Code OK without a CallId or BizId") }
        return id
    }

    public func outcome(callID: String, placedAt: Date) async throws(DeliveryError) -> VoiceCallOutcome? {
        let object = try await call(
            config.baseURL,
            [
                ("Action", "QueryCallDetailByCallId"), ("CallId", callID), ("ProdId", Self.ivrProductID),
                ("QueryDate", String(Int64(placedAt.timeIntervalSince1970 * 1000))),
            ])
        return Self.outcome(data: object["Data"])
    }

    /// The call detail's `Data` (a JSON string, or an object): nil while empty; else its
    /// `state`, and its `dtmf` when present (the documented example has none: receipts carry
    /// the key; a `dtmf` here is taken as well).
    static func outcome(data: Any?) -> VoiceCallOutcome? {
        var object = data as? [String: Any]
        if let text = data as? String, !text.isEmpty { object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
        guard let object, !object.isEmpty else { return nil }
        let text = { (key: String) in object[key].map { "\($0)" } ?? "" }
        let state = text("state")
        guard !state.isEmpty else { return nil }
        return VoiceCallOutcome(status: state, digits: text("dtmf"))
    }

    /// The endpoint and parameters of the request, or a permanent error when this provider
    /// cannot do it (no SMS config, a number outside mainland China for a call).
    func action(_ r: VoiceRequest) throws(DeliveryError) -> (String, [(String, String)]) {
        switch r.kind {
        case .sms:
            guard let sms = settings.sms else { throw .permanent(.invalidPayload, "\(name): no sms settings (voice.providers)") }
            let value = TemplateVariable.value(r.message, maxChars: sms.maxChars)
            return (
                settings.smsBaseURL,
                [
                    ("Action", "SendSms"), ("PhoneNumbers", Self.smsNumber(r.to)), ("SignName", sms.signName),
                    ("TemplateCode", sms.templateCode), ("TemplateParam", TemplateVariable.json([sms.param: value])),
                    ("OutId", r.reference),
                ]
            )
        case .call:
            guard let number = Self.mainlandNumber(r.to) else {
                throw .permanent(.invalidPayload, "\(name): Aliyun calls numbers in mainland China only (+86…), not \(r.to)")
            }
            let param = TemplateVariable.json([settings.ttsParam: TemplateVariable.value(r.message, maxChars: Self.voiceParamLimit)])
            var params: [(String, String)] = [("CalledNumber", number), ("PlayTimes", String(settings.playTimes)), ("OutId", r.reference)]
            if !settings.calledShowNumber.isEmpty { params.append(("CalledShowNumber", settings.calledShowNumber)) }
            if usesIVR(r), let ivr = settings.ivr {
                params += [("Action", "IvrCall"), ("StartCode", ivr.startCode), ("StartTtsParams", param)]
                for (i, key) in ivr.keys.keys.sorted().enumerated() {
                    params += [("MenuKeyMap.\(i + 1).Key", key), ("MenuKeyMap.\(i + 1).Code", ivr.keys[key] ?? "")]
                }
                if let t = ivr.timeoutMillis { params.append(("Timeout", String(t))) }
            } else if !settings.ttsCode.isEmpty {
                params += [("Action", "SingleCallByTts"), ("TtsCode", settings.ttsCode), ("TtsParam", param)]
            } else {
                throw .permanent(.invalidPayload, "\(name): no tts_code or ivr for calls (voice.providers)")
            }
            return (config.baseURL, params)
        }
    }

    /// Signs and POSTs one RPC request; the answer's JSON object when `Code` is `OK`, else the
    /// classified error.
    func call(_ base: String, _ params: [(String, String)]) async throws(DeliveryError) -> [String: Any] {
        let common: [(String, String)] = [
            ("Version", Self.version), ("Format", "JSON"), ("RegionId", "cn-hangzhou"), ("AccessKeyId", settings.accessKeyID),
            ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"), ("SignatureNonce", nonce()),
            ("Timestamp", Self.timestamp(now())),
        ]
        let body = AliyunSignature.signedQuery(secret: settings.accessKeySecret, method: "POST", params: common + params)
        let (status, answer) = try await http.post(
            base + "/", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
        return try Self.judge(status: status, body: answer, provider: name)
    }

    /// The answer's object when HTTP 200 carries `Code: OK`; otherwise the error its `Code`
    /// means (`classify`), which Aliyun sends with 200 or 400 alike.
    public static func judge(status: Int, body: Data, provider: String) throws(DeliveryError) -> [String: Any] {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let code = (object?["Code"] as? String) ?? ""
        if (200..<300).contains(status), code == "OK", let object { return object }
        let message = ((object?["Message"] as? String) ?? String(decoding: body.prefix(200), as: UTF8.self)).prefix(200)
        let detail = "\(provider): HTTP \(status)" + (code.isEmpty ? "" : " \(code)") + (message.isEmpty ? "" : ": \(message)")
        throw classify(code: code, status: status, detail: detail)
    }

    /// What an Aliyun `Code` means for the chain: errors that will not change now (credentials,
    /// balance, account, product, template, caller id, the number, the carrier's per-callee
    /// limit `isv.BUSINESS_LIMIT_CONTROL`) are permanent, so the next provider rings at once;
    /// throttling, system errors and 5xx are transient.
    public static func classify(code: String, status: Int, detail: String) -> DeliveryError {
        if code.hasPrefix("Throttling") || code == "isp.SYSTEM_ERROR" || code == "SignatureNonceUsed" || code == "ServiceUnavailable"
            || code.hasPrefix("InternalError")
        {
            return .transient(code.hasPrefix("Throttling") ? .rateLimited : .serverError, detail)
        }
        if code.hasPrefix("InvalidAccessKeyId") || code == "SignatureDoesNotMatch" || code == "isp.RAM_PERMISSION_DENY" || code.hasPrefix("Forbidden")
        {
            return .permanent(.authError, detail)
        }
        if code == "isv.BUSINESS_LIMIT_CONTROL" { return .permanent(.rateLimited, detail) }
        if code.hasPrefix("isv.") { return .permanent(.vendorCode, detail) }
        if code.hasPrefix("Missing") || code.hasPrefix("Invalid") { return .permanent(.clientError, detail) }
        if status >= 500 || status == 0 { return .transient(.serverError, detail) }
        if status == 429 { return .transient(.rateLimited, detail) }
        return .permanent(code.isEmpty ? .clientError : .vendorCode, detail)
    }

    /// `+86` and a mainland number → Aliyun's `CalledNumber`: the 11-digit mobile number, or a
    /// landline with its leading 0 (`+86 10 …` → `010…`); nil for any other number.
    static func mainlandNumber(_ e164: String) -> String? {
        guard e164.hasPrefix("+86") else { return nil }
        let rest = e164.dropFirst(3)
        guard rest.count >= 9, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if rest.first == "1" { return rest.count == 11 ? String(rest) : nil }
        return "0" + rest
    }

    /// `SendSms`'s `PhoneNumbers`: mainland numbers without `+86`, others as country code and
    /// number without `+`.
    static func smsNumber(_ e164: String) -> String {
        e164.hasPrefix("+86") ? String(e164.dropFirst(3)) : String(e164.drop { $0 == "+" })
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC.
    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }
}
