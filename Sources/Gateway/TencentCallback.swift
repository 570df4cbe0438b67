import Foundation

/// One callback of Tencent Cloud VMS (shared/voice-providers.md §3): a JSON object with one key
/// naming its kind: `voiceprompt_callback` (`result` "0" answered, "1" not answered, "2" error),
/// `voicekey_callback` (`keypress`), `voice_failure_callback` (`failure_code`, `failure_reason`);
/// each with `callid`, `mobile`, `nationcode`.
struct TencentCallback: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case prompt = "voiceprompt_callback"
        case key = "voicekey_callback"
        case failure = "voice_failure_callback"
    }

    var kind: Kind
    var callID: String
    /// `keypress` of a key callback.
    var keypress: String
    /// `result` of a status callback, `failure_code` of a failure callback.
    var code: String
    var reason: String

    /// The outcome label of metrics and logs: `answered`, `no_answer`, `error`, `key`, `failure_<code>`.
    var outcome: String {
        switch kind {
        case .key: "key"
        case .prompt: ["0": "answered", "1": "no_answer", "2": "error"][code] ?? "prompt_\(code.prefix(8))"
        case .failure: "failure_\(code.prefix(8))"
        }
    }

    /// The callback in a body, or why it is refused (answered 400).
    static func parse(_ body: [UInt8]) -> (callback: TencentCallback?, problem: String) {
        let shape = "expected a JSON object with one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), each with callid"
        guard let top = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return (nil, shape) }
        guard let kind = Kind.allCases.first(where: { top[$0.rawValue] is [String: Any] }), let object = top[kind.rawValue] as? [String: Any]
        else { return (nil, shape) }
        let text = { (key: String) -> String in
            switch object[key] {
            case let s as String: s
            case let n as NSNumber: n.stringValue
            default: ""
            }
        }
        let callback = TencentCallback(
            kind: kind, callID: text("callid"), keypress: text("keypress"), code: text(kind == .failure ? "failure_code" : "result"),
            reason: text("failure_reason"))
        guard !callback.callID.isEmpty else { return (nil, "\(kind.rawValue) has no callid; \(shape)") }
        if kind == .key, callback.keypress.isEmpty { return (nil, "voicekey_callback has no keypress") }
        return (callback, "")
    }
}
