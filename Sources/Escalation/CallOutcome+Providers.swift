/// How each provider's callback (or, for Aliyun, its polled call detail) says a call ended, as a
/// `CallOutcome`; nil for reports that are not an end (ringing, an intermediate receipt) or an
/// end that a key may have followed (a key is its own command, so "answered" is only recorded
/// where the report says no key came). The gateway reads callbacks, `klaxon-voice` the polls.
extension CallOutcome {
    /// Twilio's `CallStatus` (with `SipResponseCode`: GoAlert reads a failed 480 as not
    /// answered). `completed` is nil: the `<Gather>` action already reported any key.
    public static func twilio(status: String, sipCode: String) -> CallOutcome? {
        switch status {
        case "no-answer": .noAnswer
        case "busy": .busy
        case "failed": sipCode == "480" ? .noAnswer : .failed
        case "canceled": .failed
        default: nil
        }
    }

    /// The webhook provider's documented `outcome` (answered without `digits` is recorded).
    public static func webhook(_ outcome: String) -> CallOutcome? { CallOutcome(rawValue: outcome) }

    /// Aliyun's final `VoiceReport` status code (or a call detail's `state`) without a key: 200002 busy, 200003 not answered,
    /// 200008 answered but no key in time; the refusals and faults are failures. Intermediate
    /// `VoiceCallReport` codes (2001xx) and heard-in-full (200000, 200001) are nil.
    public static func aliyun(statusCode: String) -> CallOutcome? {
        switch statusCode {
        case "200002": .busy
        case "200003": .noAnswer
        case "200008": .answered
        case "200004", "200005", "200006", "200007", "200010", "200011", "200117", "200118", "200119", "200121", "999999": .failed
        default: nil
        }
    }

    /// Tencent Cloud's status (`voiceprompt_callback` result 1 not answered, 2 error) and
    /// failure callbacks (`voice_failure_callback` `failure_code` 2 in a call, 5 not answered,
    /// others failed); a key callback is nil.
    public static func tencent(callback: String, code: String) -> CallOutcome? {
        switch callback {
        case "voice_failure_callback": code == "2" ? .busy : code == "5" ? .noAnswer : .failed
        case "voiceprompt_callback": code == "1" ? .noAnswer : code == "2" ? .failed : nil
        default: nil
        }
    }
}
