import Foundation

/// One report of Aliyun's HTTP batch push (shared/voice-providers.md §2): a `VoiceCallReport`
/// (a call's step: `status_code` 200101 start, 200201 ringing, 200102 answered, 200100 ended,
/// 300000 a key with `dtmf`) or a `VoiceReport` (the call's end: `status_code` such as 200000
/// heard, 200003 not answered, with `dtmf` when a key was pressed). Both carry `call_id` and the
/// `out_id` Klaxon sent.
struct AliyunReceipt: Sendable, Equatable {
    var callID: String
    var outID: String
    var statusCode: String
    var statusMessage: String
    var dtmf: String

    /// The status code of a key press.
    static let dtmfStatus = "300000"

    /// The key pressed (the first of `dtmf`), when this report is one: status 300000 or any
    /// report with a `dtmf`.
    var key: String? {
        guard statusCode == Self.dtmfStatus || !dtmf.isEmpty, let first = dtmf.first else { return nil }
        return String(first)
    }

    /// The reports of a push body (a JSON array of objects, each with a `call_id`; one object
    /// alone is taken too), or why it is refused (answered 400).
    static func parse(_ body: [UInt8]) -> (reports: [AliyunReceipt]?, problem: String) {
        let shape = "expected a JSON array of VoiceCallReport or VoiceReport objects, each with call_id"
        guard let value = try? JSONSerialization.jsonObject(with: Data(body)) else { return (nil, shape) }
        let items: [Any] = (value as? [Any]) ?? [value]
        var out: [AliyunReceipt] = []
        for (i, item) in items.enumerated() {
            guard let object = item as? [String: Any] else { return (nil, "report \(i) is not an object; \(shape)") }
            let text = { (key: String) -> String in
                switch object[key] {
                case let s as String: s
                case let n as NSNumber: n.stringValue
                default: ""
                }
            }
            let report = AliyunReceipt(
                callID: text("call_id"), outID: text("out_id"), statusCode: text("status_code"), statusMessage: text("status_msg"),
                dtmf: text("dtmf"))
            guard !report.callID.isEmpty else { return (nil, "report \(i) has no call_id; \(shape)") }
            out.append(report)
        }
        return (out, "")
    }
}
