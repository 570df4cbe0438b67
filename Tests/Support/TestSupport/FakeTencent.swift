import Foundation
import HTTPServer
import Signing
import Synchronization

/// A local Tencent Cloud VMS `SendTtsVoice` (shared/voice-providers.md §3) on 127.0.0.1. It checks
/// what the API checks: the `X-TC-*` headers, the timestamp within 5 minutes
/// (`AuthFailure.SignatureExpire`), the SecretId (`AuthFailure.SecretIdNotFound`), the TC3-HMAC-SHA256
/// signature recomputed here from the spec with the Host header it received
/// (`AuthFailure.SignatureFailure`), the body's fields (a known `TemplateId` and `VoiceSdkAppid`,
/// `CalledNumber` as `+86` and 11 digits, `TemplateParamSet` ≤ 350 characters, `PlayTimes` 1–3),
/// and the callee's frequency limits (1 per 30 s, 2 per 10 min). Errors are HTTP 200 with
/// `Response.Error`. It plays the callee: after a call it POSTs to `callbackURL` a
/// `voiceprompt_callback` (answered, or `result` "1" unanswered) and, with a key, a
/// `voicekey_callback`.
public final class FakeTencent: Sendable {
    public static let secretID = "AKIDfakeTencentSecretId0123456789"
    public static let secretKey = "fake-tencent-secret-key"
    public static let sdkAppID = "1400123456"
    public static let templateID = "1000001"
    /// The frequency errors' codes [unconfirmed: named after Tencent SMS's; VMS documents none].
    public static let thirtySecondLimit = "LimitExceeded.PhoneNumberThirtySecondLimit"
    public static let tenMinuteLimit = "LimitExceeded.PhoneNumberTenMinuteLimit"

    public enum Callee: Sendable, Equatable {
        case press(String)
        case noAnswer
    }

    public struct Request: Sendable {
        public var headers: [String: String]
        public var body: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:] }
        public var bytes: [UInt8]
        /// "" when accepted, else the error code.
        public var code: String
        public var callID: String
    }

    public struct Callback: Sendable {
        public var body: String
        public var status: Int
        public var answer: String
    }

    struct State {
        var requests: [Request] = []
        var callbacks: [Callback] = []
        var refusals: [String] = []
        var callee: Callee = .press("1")
        var callbackURL: String?
        var placed: [String: [Date]] = [:]
        var counter = 0
    }

    let state = Mutex(State())
    private let server = Mutex<HTTPServer?>(nil)
    public let port: Int

    public init(callbackURL: String? = nil) throws {
        let box = Mutex<FakeTencent?>(nil)
        let s = try HTTPServer(.init(host: "127.0.0.1", port: 0)) { req, respond in
            guard let fake = box.withLock({ $0 }) else { return respond(.error(503, "starting")) }
            fake.handle(req, respond)
        }
        port = s.port
        server.withLock { $0 = s }
        state.withLock { $0.callbackURL = callbackURL }
        box.withLock { $0 = self }
    }

    /// `http://127.0.0.1:PORT` (the provider's `base_url`).
    public var base: String { "http://127.0.0.1:\(port)" }
    public func answer(_ callee: Callee) { state.withLock { $0.callee = callee } }
    public func callBack(to url: String?) { state.withLock { $0.callbackURL = url } }
    /// The next call is refused with this error code (after every check passed).
    public func refuseNext(_ code: String) { state.withLock { $0.refusals.append(code) } }
    public var requests: [Request] { state.withLock { $0.requests } }
    public var callbacks: [Callback] { state.withLock { $0.callbacks } }
    /// The calls it accepted.
    public var calls: [Request] { requests.filter { $0.code.isEmpty } }

    public func stop() {
        server.withLock {
            $0?.stop(); $0 = nil
        }
    }

    /// `YYYY-MM-DD` (UTC) of Unix seconds, through a Gregorian calendar.
    static func utcDate(_ timestamp: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(timestamp)))
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// The signature TC3-HMAC-SHA256 gives a JSON POST to `/` of `host` (the spec's recipe).
    static func expectedSignature(secretKey: String, host: String, timestamp: Int64, body: [UInt8]) -> String {
        let date = utcDate(timestamp)
        let canonical = "POST\n/\n\ncontent-type:application/json\nhost:\(host)\n\ncontent-type;host\n" + Signing.hex(Signing.sha256(body))
        let toSign = "TC3-HMAC-SHA256\n\(timestamp)\n\(date)/vms/tc3_request\n" + Signing.hex(Signing.sha256(Array(canonical.utf8)))
        func mac(_ key: [UInt8], _ text: String) -> [UInt8] { Signing.hmac(.sha256, key: key, message: Array(text.utf8)) }
        let signing = mac(mac(mac(Array("TC3\(secretKey)".utf8), date), "vms"), "tc3_request")
        return Signing.hex(mac(signing, toSign))
    }

    private func handle(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        let code = check(req)
        var id = ""
        if code.isEmpty {
            id = state.withLock { s -> String in
                s.counter += 1
                return "tc-call-\(s.counter)"
            }
        }
        state.withLock { $0.requests.append(Request(headers: req.headers, bytes: req.body, code: code, callID: id)) }
        let requestID = UUID().uuidString
        let response: [String: Any] =
            code.isEmpty
            ? ["SendStatus": ["CallId": id, "SessionContext": Self.field(req.body, "SessionContext") ?? ""], "RequestId": requestID]
            : ["Error": ["Code": code, "Message": "refused: \(code)"], "RequestId": requestID]
        respond(.json(200, Array(try! JSONSerialization.data(withJSONObject: ["Response": response], options: [.sortedKeys]))))
        if code.isEmpty { Task { await self.playCallee(id, number: Self.field(req.body, "CalledNumber") ?? "") } }
    }

    static func field(_ body: [UInt8], _ name: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?[name] as? String
    }

    /// "" when the request is good, else the error code the API answers.
    private func check(_ req: HTTPRequest) -> String {
        guard req.method == "POST", req.path == "/" else { return "UnsupportedOperation" }
        let h = req.headers
        guard h["content-type"]?.hasPrefix("application/json") == true else { return "InvalidParameter.ContentType" }
        guard h["x-tc-action"] == "SendTtsVoice" else { return "InvalidAction" }
        guard h["x-tc-version"] == "2020-09-02" else { return "NoSuchVersion" }
        guard let region = h["x-tc-region"], ["ap-guangzhou", "ap-beijing"].contains(region) else { return "UnsupportedRegion" }
        guard let ts = Int64(h["x-tc-timestamp"] ?? "") else { return "MissingParameter" }
        guard abs(Int64(Date().timeIntervalSince1970) - ts) <= 300 else { return "AuthFailure.SignatureExpire" }
        let auth = h["authorization"] ?? ""
        let expectedPrefix = "TC3-HMAC-SHA256 Credential="
        guard auth.hasPrefix(expectedPrefix), let credentialEnd = auth.firstIndex(of: ",") else { return "AuthFailure.InvalidAuthorization" }
        let credential = auth[auth.index(auth.startIndex, offsetBy: expectedPrefix.count)..<credentialEnd].split(separator: "/")
        guard credential.count == 4, credential[2] == "vms", credential[3] == "tc3_request" else { return "AuthFailure.InvalidAuthorization" }
        guard credential[0] == Self.secretID else { return "AuthFailure.SecretIdNotFound" }
        guard credential[1] == Self.utcDate(ts) else { return "AuthFailure.SignatureFailure" }
        guard auth.contains(", SignedHeaders=content-type;host, "), let sig = auth.range(of: "Signature=") else {
            return "AuthFailure.InvalidAuthorization"
        }
        let expected = Self.expectedSignature(secretKey: Self.secretKey, host: h["host"] ?? "", timestamp: ts, body: req.body)
        guard Signing.constantTimeEquals(Array(expected.utf8), Array(auth[sig.upperBound...].utf8)) else { return "AuthFailure.SignatureFailure" }
        guard let body = (try? JSONSerialization.jsonObject(with: Data(req.body))) as? [String: Any] else {
            return "FailedOperation.InvalidParameters"
        }
        guard body["TemplateId"] as? String == Self.templateID else { return "FailedOperation.TemplateIncorrectOrUnapproved" }
        guard body["VoiceSdkAppid"] as? String == Self.sdkAppID else { return "FailedOperation.InvalidParameters" }
        guard let number = body["CalledNumber"] as? String, number.wholeMatch(of: /\+861[3-9][0-9]{9}/) != nil else {
            return "FailedOperation.InvalidParameters"
        }
        guard let params = body["TemplateParamSet"] as? [String], params.reduce(0, { $0 + $1.count }) <= 350 else {
            return "FailedOperation.InvalidParameters"
        }
        if let times = body["PlayTimes"] as? Int, !(1...3).contains(times) { return "FailedOperation.InvalidParameters" }
        let now = Date()
        return state.withLock { s -> String in
            let log = s.placed[number] ?? []
            if log.contains(where: { now.timeIntervalSince($0) < 30 }) { return Self.thirtySecondLimit }
            if log.filter({ now.timeIntervalSince($0) < 600 }).count >= 2 { return Self.tenMinuteLimit }
            if !s.refusals.isEmpty { return s.refusals.removeFirst() }
            s.placed[number, default: []].append(now)
            return ""
        }
    }

    /// After a short ring: the status callback, and the key callback when a key is pressed.
    private func playCallee(_ callID: String, number: String) async {
        try? await Task.sleep(for: .milliseconds(300))
        let (callee, url) = state.withLock { ($0.callee, $0.callbackURL) }
        guard let url else { return }
        let mobile = String(number.dropFirst(3))
        let now = String(Int(Date().timeIntervalSince1970))
        var bodies: [[String: Any]] = [
            [
                "voiceprompt_callback": [
                    "result": callee == .noAnswer ? "1" : "0", "accept_time": now, "call_from": "", "callid": callID, "end_calltime": now,
                    "fee": "1", "mobile": mobile, "nationcode": "86", "start_calltime": now,
                ]
            ]
        ]
        if case .press(let key) = callee {
            bodies.append(["voicekey_callback": ["call_from": "", "callid": callID, "keypress": key, "mobile": mobile, "nationcode": "86"]])
        }
        for b in bodies {
            let body = try! JSONSerialization.data(withJSONObject: b, options: [.sortedKeys])
            let result = try? await http("POST", url, body: body, headers: ["Content-Type": "application/json"])
            state.withLock {
                $0.callbacks.append(
                    Callback(
                        body: String(decoding: body, as: UTF8.self), status: result?.status ?? 0,
                        answer: result.map { String(decoding: $0.body, as: UTF8.self) } ?? ""))
            }
        }
    }
}
