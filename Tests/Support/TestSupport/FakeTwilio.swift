import AlertCore
import Foundation
import HTTPServer
import Signing
import Synchronization

/// A local Twilio (shared/voice-providers.md §1) on 127.0.0.1: `Calls.json` and `Messages.json`
/// check HTTP Basic auth, the required fields, an E.164 `To` and `Twiml` ≤ 4000 characters,
/// answer 201 with a `CA…`/`SM…` sid, and record each request. It can be told to refuse with a
/// Twilio error code, and it plays the callee: after a call it POSTs the `<Gather>` action with
/// `Digits` (or, with no key, the status callback with `no-answer`), signed with
/// `X-Twilio-Signature` as Twilio signs.
public final class FakeTwilio: Sendable {
    public static let accountSID = "AC" + String(repeating: "0123456789abcdef", count: 2)
    public static let authToken = "fake-twilio-auth-token"

    /// One request the fake received.
    public struct Request: Sendable {
        public var resource: String
        public var form: [String: String]
        /// 201, or the error status it answered.
        public var status: Int
        public var sid: String
    }

    /// A callback the fake made, and what the gateway answered.
    public struct Callback: Sendable {
        public var url: String
        public var params: [(String, String)]
        public var status: Int
        public var body: String
    }

    private struct State {
        var requests: [Request] = []
        var callbacks: [Callback] = []
        var refusals: [(status: Int, code: Int)] = []
        var key: String? = "1"
        var counter = 0
    }

    private let state = Mutex(State())
    private let server = Mutex<HTTPServer?>(nil)
    public let port: Int

    public init() throws {
        let box = Mutex<FakeTwilio?>(nil)
        let s = try HTTPServer(.init(host: "127.0.0.1", port: 0)) { req, respond in
            guard let fake = box.withLock({ $0 }) else { return respond(.error(503, "starting")) }
            fake.handle(req, respond)
        }
        port = s.port
        server.withLock { $0 = s }
        box.withLock { $0 = self }
    }

    /// `http://127.0.0.1:PORT` (the provider's `base_url`).
    public var base: String { "http://127.0.0.1:\(port)" }

    /// The key the callee presses after the next calls (nil: does not answer).
    public func press(_ key: String?) { state.withLock { $0.key = key } }

    /// The next request is refused with `status` and Twilio error `code`.
    public func refuseNext(status: Int, code: Int) { state.withLock { $0.refusals.append((status, code)) } }

    public var requests: [Request] { state.withLock { $0.requests } }
    public var callbacks: [Callback] { state.withLock { $0.callbacks } }

    public func stop() {
        server.withLock {
            $0?.stop(); $0 = nil
        }
    }

    private func handle(_ req: HTTPRequest, _ respond: @escaping HTTPResponder) {
        let prefix = "/2010-04-01/Accounts/\(Self.accountSID)/"
        guard req.method == "POST", req.path.hasPrefix(prefix) else { return respond(Self.error(404, 20404, "The requested resource was not found")) }
        let resource = String(req.path.dropFirst(prefix.count))
        guard resource == "Calls.json" || resource == "Messages.json" else { return respond(Self.error(404, 20404, "not found")) }
        let expected = "Basic " + Signing.base64(Array("\(Self.accountSID):\(Self.authToken)".utf8))
        guard req.headers["authorization"] == expected else { return respond(Self.error(401, 20003, "Authenticate")) }
        let pairs = PercentEncoding.formPairs(req.body).map { ($0.name, $0.value) }
        let form = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        let record = { (status: Int, sid: String) in
            self.state.withLock { $0.requests.append(Request(resource: resource, form: form, status: status, sid: sid)) }
        }
        guard let to = form["To"], !to.isEmpty else { record(400, ""); return respond(Self.error(400, 21201, "No 'To' number is specified")) }
        guard form["From"]?.isEmpty == false else { record(400, ""); return respond(Self.error(400, 21603, "A 'From' phone number is required.")) }
        guard to.wholeMatch(of: /\+[1-9][0-9]{1,14}/) != nil else {
            record(400, ""); return respond(Self.error(400, 21211, "Invalid 'To' Phone Number"))
        }
        if resource == "Calls.json" {
            guard let twiml = form["Twiml"] ?? form["Url"], !twiml.isEmpty else {
                record(400, "")
                return respond(Self.error(400, 21205, "Url, Twiml or ApplicationSid is required"))
            }
            if let t = form["Twiml"], t.count > 4000 { record(400, ""); return respond(Self.error(400, 32018, "Twiml too long")) }
        } else if form["Body"]?.isEmpty != false {
            record(400, "")
            return respond(Self.error(400, 21602, "Message body is required."))
        }
        if let refusal = state.withLock({ $0.refusals.isEmpty ? nil : $0.refusals.removeFirst() }) {
            record(refusal.status, "")
            return respond(Self.error(refusal.status, refusal.code, "refused as the test asked"))
        }
        let (n, key) = state.withLock { s -> (Int, String?) in
            s.counter += 1
            return (s.counter, s.key)
        }
        let sid = (resource == "Calls.json" ? "CA" : "SM") + String(format: "%032x", n)
        record(201, sid)
        let body: [String: Any] = [
            "sid": sid, "status": "queued", "to": to, "from": form["From"] ?? "", "direction": "outbound-api", "account_sid": Self.accountSID,
        ]
        respond(.json(201, Array(try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))))
        if resource == "Calls.json", let twiml = form["Twiml"] {
            Task { await self.playCallee(sid: sid, form: form, twiml: twiml, key: key) }
        }
    }

    /// Answers and presses `key` (the first `<Gather action>`), or does not answer (the status
    /// callback with `no-answer`).
    private func playCallee(sid: String, form: [String: String], twiml: String, key: String?) async {
        var params = [
            ("CallSid", sid), ("AccountSid", Self.accountSID), ("From", form["From"] ?? ""), ("To", form["To"] ?? ""),
            ("ApiVersion", "2010-04-01"), ("Direction", "outbound-api"),
        ]
        let url: String?
        if let key {
            url = Self.gatherAction(twiml)
            params += [("CallStatus", "in-progress"), ("Digits", key)]
        } else {
            url = form["StatusCallback"]
            params += [("CallStatus", "no-answer"), ("CallbackSource", "call-progress-events"), ("SequenceNumber", "0")]
        }
        guard let url else { return }
        let signature = TwilioSignature.sign(authToken: Self.authToken, url: url, params: params)
        let result = try? await http(
            "POST", url, body: Data(PercentEncoding.form(params).utf8),
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature])
        state.withLock {
            $0.callbacks.append(
                Callback(url: url, params: params, status: result?.status ?? 0, body: result.map { String(decoding: $0.body, as: UTF8.self) } ?? ""))
        }
    }

    /// The first `<Gather action="…">`, XML-unescaped.
    public static func gatherAction(_ twiml: String) -> String? {
        guard let start = twiml.range(of: "<Gather "), let a = twiml.range(of: "action=\"", range: start.upperBound..<twiml.endIndex),
            let end = twiml[a.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return String(twiml[a.upperBound..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func error(_ status: Int, _ code: Int, _ message: String) -> HTTPResponse {
        let body: [String: Any] = ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status]
        return .json(status, Array(try! JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
    }
}

/// The operator's own telephony, faked: checks `X-Klaxon-Signature`, records each request's
/// JSON, answers 200 (or 401 to a wrong signature).
public final class FakeVoiceWebhook: Sendable {
    public static let secret = "fake-voice-webhook-secret"
    private final class Log: Sendable { let bodies = Mutex<[[String: String]]>([]) }
    private let log = Log()
    private let server = Mutex<HTTPServer?>(nil)
    public let port: Int

    public init() throws {
        let log = self.log
        let s = try HTTPServer(.init(host: "127.0.0.1", port: 0)) { req, respond in
            if let problem = VoiceWebhookSignature.problem(
                signature: req.headers["x-klaxon-signature"], timestamp: req.headers["x-klaxon-timestamp"], body: req.body, secrets: [Self.secret],
                now: Date())
            {
                return respond(.error(401, problem))
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(req.body))) as? [String: Any] ?? [:]
            log.bodies.withLock { $0.append(object.mapValues { "\($0)" }) }
            respond(.json(200, Array(#"{"id":"pbx-1"}"#.utf8)))
        }
        port = s.port
        server.withLock { $0 = s }
    }

    public var url: String { "http://127.0.0.1:\(port)/klaxon" }
    /// Every signed request's JSON fields, as text.
    public var requests: [[String: String]] { log.bodies.withLock { $0 } }
    public func stop() {
        server.withLock {
            $0?.stop(); $0 = nil
        }
    }
}
