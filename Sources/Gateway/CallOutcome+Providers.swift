import Escalation

/// How each provider's callback says a call ended, as a `CallOutcome`; nil for reports that
/// are not an end (ringing, an intermediate receipt) or an end that a key may have followed (a
/// key is its own command, so "answered" is only recorded where the report says no key came).
extension CallOutcome {
    /// Twilio's `CallStatus` (with `SipResponseCode`: GoAlert reads a failed 480 as not
    /// answered). `completed` is nil: the `<Gather>` action already reported any key.
    static func twilio(status: String, sipCode: String) -> CallOutcome? {
        switch status {
        case "no-answer": .noAnswer
        case "busy": .busy
        case "failed": sipCode == "480" ? .noAnswer : .failed
        case "canceled": .failed
        default: nil
        }
    }

    /// The webhook provider's documented `outcome` (answered without `digits` is recorded).
    static func webhook(_ outcome: String) -> CallOutcome? { CallOutcome(rawValue: outcome) }

    /// Aliyun's final `VoiceReport` status code without a key: 200002 busy, 200003 not answered,
    /// 200008 answered but no key in time; the refusals and faults are failures. Intermediate
    /// `VoiceCallReport` codes (2001xx) and heard-in-full (200000, 200001) are nil.
    static func aliyun(statusCode: String) -> CallOutcome? {
        switch statusCode {
        case "200002": .busy
        case "200003": .noAnswer
        case "200008": .answered
        case "200004", "200005", "200006", "200007", "200010", "200011", "200117", "200118", "200119", "200121", "999999": .failed
        default: nil
        }
    }

    /// Tencent Cloud's status (`voiceprompt_callback` result 1 not answered, 2 error) and
    /// failure callbacks (`failure_code` 2 in a call, 5 not answered, others failed).
    static func tencent(_ callback: TencentCallback) -> CallOutcome? {
        switch callback.kind {
        case .key: nil
        case .failure: callback.code == "2" ? .busy : callback.code == "5" ? .noAnswer : .failed
        case .prompt: callback.code == "1" ? .noAnswer : callback.code == "2" ? .failed : nil
        }
    }
}
