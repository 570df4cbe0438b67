import AlertCore
import Foundation

/// Tencent Cloud VMS (shared/voice-providers.md §3, docs/voice.md): `SendTtsVoice` (API 3.0,
/// `X-TC-Version: 2020-09-02`), a JSON POST signed with TC3-HMAC-SHA256 (`TencentSignature`)
/// that speaks a console-approved template whose one parameter takes the alert text (links
/// removed, at most 350 characters). `SessionContext` is the request's `reference`. Calls only:
/// Tencent's SMS is a separate product Klaxon does not use.
public struct TencentProvider: VoiceProvider {
    public let name: String
    let config: VoiceConfig.Provider
    let settings: VoiceConfig.Tencent
    let http: VoiceHTTP
    let now: @Sendable () -> Date

    public init(_ config: VoiceConfig.Provider, http: VoiceHTTP, now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = config.name
        self.config = config
        self.settings = config.tencent
        self.http = http
        self.now = now
    }

    public static let service = "vms"
    public static let action = "SendTtsVoice"
    public static let version = "2020-09-02"
    /// The template parameters' content, in characters.
    public static let paramLimit = 350

    public func send(_ request: VoiceRequest) async throws(DeliveryError) -> String {
        guard request.kind == .call else { throw .permanent(.invalidPayload, "\(name): Tencent Cloud SMS is not supported; calls only") }
        guard request.to.hasPrefix("+86") else {
            throw .permanent(.invalidPayload, "\(name): Tencent Cloud VMS calls numbers in mainland China only (+86…), not \(request.to)")
        }
        let body = Self.body(request, settings: settings)
        let timestamp = Int64(now().timeIntervalSince1970)
        let (status, answer) = try await http.post(
            config.baseURL + "/",
            headers: [
                ("Content-Type", "application/json"), ("X-TC-Action", Self.action), ("X-TC-Version", Self.version),
                ("X-TC-Region", settings.region), ("X-TC-Timestamp", String(timestamp)),
                (
                    "Authorization",
                    TencentSignature.authorization(
                        secretID: settings.secretID, secretKey: settings.secretKey, service: Self.service, host: Self.host(config.baseURL),
                        timestamp: timestamp, body: body)
                ),
            ], body: body)
        return try Self.judge(status: status, body: answer, provider: name)
    }

    /// The JSON body (keys sorted).
    public static func body(_ r: VoiceRequest, settings: VoiceConfig.Tencent) -> [UInt8] {
        let object: [String: Any] = [
            "TemplateId": settings.templateID, "CalledNumber": r.to, "VoiceSdkAppid": settings.sdkAppID,
            "TemplateParamSet": [TemplateVariable.value(r.message, maxChars: paramLimit)], "PlayTimes": settings.playTimes,
            "SessionContext": r.reference,
        ]
        // Strings, an int and an array of strings: serialization cannot fail.
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// The `host` that is signed: the Host header libcurl sends for `baseURL` (with its port
    /// when the URL names one).
    static func host(_ baseURL: String) -> String {
        guard let c = URLComponents(string: baseURL), let host = c.host else { return "" }
        return host + (c.port.map { ":\($0)" } ?? "")
    }

    /// `Response.SendStatus.CallId`, or the error `Response.Error.Code` means (`classify`).
    public static func judge(status: Int, body: Data, provider: String) throws(DeliveryError) -> String {
        let response = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["Response"] as? [String: Any]
        guard let response else {
            let detail = "\(provider): HTTP \(status) \(String(decoding: body.prefix(200), as: UTF8.self))"
            throw DeliveryError.classifyHTTP(status: status, detail: detail) ?? .transient(.invalidPayload, detail + " (no Response)")
        }
        if let error = response["Error"] as? [String: Any] {
            let code = (error["Code"] as? String) ?? ""
            let message = ((error["Message"] as? String) ?? "").prefix(200)
            throw classify(code: code, status: status, detail: "\(provider): HTTP \(status) \(code)" + (message.isEmpty ? "" : ": \(message)"))
        }
        if let failure = DeliveryError.classifyHTTP(status: status, detail: "\(provider): HTTP \(status)") { throw failure }
        guard let id = (response["SendStatus"] as? [String: Any])?["CallId"] as? String, !id.isEmpty else {
            throw .transient(.invalidPayload, "\(provider): HTTP \(status) without SendStatus.CallId")
        }
        return id
    }

    /// What a Tencent error code means for the chain: `AuthFailure.*`, no balance, an unapplied
    /// or expired number, sensitive words, and the callee's frequency limits (`LimitExceeded.*`)
    /// are permanent (the next provider rings now); `RequestLimitExceeded` (the API's own rate)
    /// and internal errors are transient.
    public static func classify(code: String, status: Int, detail: String) -> DeliveryError {
        if code.hasPrefix("AuthFailure") || code.hasPrefix("UnauthorizedOperation") { return .permanent(.authError, detail) }
        if code.hasPrefix("RequestLimitExceeded") { return .transient(.rateLimited, detail) }
        if code.hasPrefix("LimitExceeded") { return .permanent(.rateLimited, detail) }
        if code.hasPrefix("InternalError") || code == "ResourceUnavailable" { return .transient(.serverError, detail) }
        if code.hasPrefix("FailedOperation") { return .permanent(.vendorCode, detail) }
        if code.hasPrefix("InvalidParameter") || code.hasPrefix("MissingParameter") || code.hasPrefix("UnknownParameter")
            || code.hasPrefix("UnsupportedOperation")
        {
            return .permanent(.clientError, detail)
        }
        return status >= 500 ? .transient(.serverError, detail) : .permanent(.vendorCode, detail)
    }
}
