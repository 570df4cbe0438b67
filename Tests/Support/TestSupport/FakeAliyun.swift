import Foundation
import HTTPServer
import Signing
import Synchronization

/// A local Aliyun Voice Messaging and SMS API (shared/voice-providers.md §2) on 127.0.0.1, for
/// both `base_url` and `sms_base_url`. Every RPC request (form POST or GET) is checked as Aliyun
/// checks it: the common parameters, the timestamp within 15 minutes, a nonce used once, the
/// access key, and the signature, recomputed here from the spec (`FakeAliyun+Signature.swift`,
/// not the provider's code). Then the action's own rules (`FakeAliyun+Actions.swift`): required
/// fields, mainland numbers, known templates and caller number, template variables (< 250
/// characters, no links), `OutId` ≤ 15 bytes, and the per-callee flow control (1 a minute, 5 an
/// hour, 20 a day → `isv.BUSINESS_LIMIT_CONTROL`). Business errors are answered with
/// `businessStatus` (200 or 400: both readings of the docs).
///
/// It plays the callee: after a call it pushes receipts to `pushURL` (the gateway's
/// `/voice/aliyun/receipts?token=…`): a `VoiceCallReport` with status 300000 and the key, then
/// the final `VoiceReport`; or, unanswered, a `VoiceReport` with 200003. The same outcome is
/// served by `QueryCallDetailByCallId` once the call ended.
public final class FakeAliyun: Sendable {
    public static let accessKeyID = "LTAI5tFakeAliyunKeyId"
    public static let accessKeySecret = "fake-aliyun-access-key-secret"
    /// The purchased caller number IvrCall must use.
    public static let showNumber = "057188990000"
    /// Approved voice templates and their variables.
    public static let voiceTemplates: [String: [String]] = [
        "TTS_100001": ["alert"], "TTS_200001": ["alert"], "TTS_200011": [], "TTS_200012": [], "TTS_200013": [],
    ]
    public static let signName = "Klaxon"
    public static let smsTemplates: [String: [String]] = ["SMS_300001": ["alert"]]

    /// What the callee does.
    public enum Callee: Sendable, Equatable {
        /// Answers, and presses the key during an IVR call.
        case press(String)
        /// Does not answer.
        case noAnswer
    }

    /// One request the fake received and what it answered.
    public struct Request: Sendable {
        public var action: String
        public var params: [String: String]
        public var status: Int
        public var code: String
        public var callID: String
    }

    /// A receipt push it made, and the gateway's answer.
    public struct Push: Sendable {
        public var body: String
        public var status: Int
        public var answer: String
    }

    struct Call: Sendable {
        var number: String
        var outID: String
        var ivr: Bool
        var key: String?
        var ended = false
    }

    struct State {
        var requests: [Request] = []
        var pushes: [Push] = []
        var refusals: [String] = []
        var callee: Callee = .press("1")
        var pushURL: String?
        var businessStatus = 200
        var nonces: Set<String> = []
        var placed: [String: [Date]] = [:]
        var calls: [String: Call] = [:]
        var queriesBeforeDetail = 0
        var counter = 0
    }

    let state = Mutex(State())
    private let server = Mutex<HTTPServer?>(nil)
    public let port: Int

    /// `pushURL`: where receipts go (nil: none are pushed; the outcome is only queryable).
    public init(pushURL: String? = nil) throws {
        let box = Mutex<FakeAliyun?>(nil)
        let s = try HTTPServer(.init(host: "127.0.0.1", port: 0)) { req, respond in
            guard let fake = box.withLock({ $0 }) else { return respond(.error(503, "starting")) }
            fake.handle(req, respond)
        }
        port = s.port
        server.withLock { $0 = s }
        state.withLock { $0.pushURL = pushURL }
        box.withLock { $0 = self }
    }

    /// `http://127.0.0.1:PORT` (the provider's `base_url` and `sms_base_url`).
    public var base: String { "http://127.0.0.1:\(port)" }

    public func answer(_ callee: Callee) { state.withLock { $0.callee = callee } }
    public func push(to url: String?) { state.withLock { $0.pushURL = url } }
    /// The HTTP status of business errors (`isv.*`): 200 or 400.
    public func businessErrors(status: Int) { state.withLock { $0.businessStatus = status } }
    /// The next call or SMS is refused with this business `code` (after every check passed).
    public func refuseNext(_ code: String) { state.withLock { $0.refusals.append(code) } }
    /// `QueryCallDetailByCallId` answers an empty `Data` this many times before the record
    /// (Aliyun's data lags the call by minutes).
    public func lagDetail(queries: Int) { state.withLock { $0.queriesBeforeDetail = queries } }
    /// Records `times` calls to `number` placed just now (its flow control counts them).
    public func alreadyCalled(_ number: String, times: Int = 1) {
        state.withLock { $0.placed[number, default: []] += Array(repeating: Date(), count: times) }
    }

    public var requests: [Request] { state.withLock { $0.requests } }
    public var pushes: [Push] { state.withLock { $0.pushes } }
    /// The requests of one action.
    public func requests(_ action: String) -> [Request] { requests.filter { $0.action == action } }

    public func stop() {
        server.withLock {
            $0?.stop(); $0 = nil
        }
    }

    private func handle(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        guard req.path == "/" else { return respond(Self.error(404, "InvalidAction.NotFound", "Specified api is not found")) }
        var params = req.query
        if req.method == "POST" {
            for pair in String(decoding: req.body, as: UTF8.self).split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
                let value = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
                params[name] = value
            }
        }
        let action = params["Action"] ?? ""
        let record = { (status: Int, code: String, id: String) in
            self.state.withLock { $0.requests.append(Request(action: action, params: params, status: status, code: code, callID: id)) }
        }
        if let (status, code, message) = checkCommon(params, method: req.method) {
            record(status, code, "")
            return respond(Self.error(status, code, message))
        }
        let answer = perform(action, params)
        record(answer.status, answer.code, answer.id)
        respond(.json(answer.status, Array(try! JSONSerialization.data(withJSONObject: answer.body, options: [.sortedKeys]))))
        if answer.code == "OK", action == "IvrCall" || action == "SingleCallByTts" {
            Task { await self.playCallee(answer.id) }
        }
    }

    /// An error answer: `{RequestId, Code, Message, Recommend, HostId}`.
    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        let body: [String: Any] = [
            "RequestId": UUID().uuidString, "Code": code, "Message": message, "HostId": "dyvmsapi.aliyuncs.com",
            "Recommend": "https://api.aliyun.com/troubleshoot?q=\(code)",
        ]
        return .json(status, Array(try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
    }

    /// After a short ring: the outcome is recorded for the call detail and pushed to `pushURL`.
    private func playCallee(_ callID: String) async {
        try? await Task.sleep(for: .milliseconds(300))
        let (call, callee, url) = state.withLock { s -> (Call?, Callee, String?) in
            guard var c = s.calls[callID] else { return (nil, s.callee, s.pushURL) }
            if case .press(let k) = s.callee, c.ivr { c.key = k }
            c.ended = true
            s.calls[callID] = c
            return (c, s.callee, s.pushURL)
        }
        guard let call, let url else { return }
        let time = "2024-01-02 03:04:05"
        var reports: [[[String: Any]]] = []
        if let key = call.key {
            reports.append([["call_id": callID, "status_code": "300000", "dtmf": key, "status_time": time, "out_id": call.outID]])
        }
        let answered = callee != .noAnswer
        reports.append([
            [
                "call_id": callID, "status_code": answered ? "200000" : "200003", "status_msg": answered ? "用户听完" : "用户未接听",
                "out_id": call.outID, "dtmf": call.key ?? "", "caller": Self.showNumber, "callee": call.number, "start_time": time,
                "end_time": time, "duration": answered ? 12 : 0, "hangup_direction": answered ? 1 : 2, "voice_type": "voice",
                "smart_status_code": answered ? "ANSWERED" : "NO_ANSWER",
            ]
        ])
        for report in reports {
            let body = try! JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            let result = try? await http("POST", url, body: body, headers: ["Content-Type": "application/json"])
            state.withLock {
                $0.pushes.append(
                    Push(
                        body: String(decoding: body, as: UTF8.self), status: result?.status ?? 0,
                        answer: result.map { String(decoding: $0.body, as: UTF8.self) } ?? ""))
            }
        }
    }
}
