import Foundation

extension VoiceConfig {
    /// Aliyun Voice Messaging and SMS (docs/voice.md, shared/voice-providers.md §2): the calls
    /// speak console-approved templates, the alert text goes into one template variable.
    ///
    /// ```yaml
    /// - name: aliyun
    ///   kind: aliyun
    ///   access_key_id: LTAI5tExample
    ///   access_key_secret_env: ALIYUN_ACCESS_KEY_SECRET
    ///   called_show_number: "057188990000"  # a purchased number; needed by ivr
    ///   tts_code: TTS_100001                # SingleCallByTts: notice calls (no key)
    ///   tts_param: alert                    # the templates' variable taking the alert text
    ///   play_times: 2
    ///   ivr:                                # IvrCall: calls where 1/2/3 act on the incident
    ///     start_code: TTS_200001
    ///     keys: {"1": TTS_200011, "2": TTS_200012, "3": TTS_200013}
    ///     timeout: 10s
    ///   sms: {sign_name: 值班告警, template_code: SMS_300001}
    ///   receipt_token_env: ALIYUN_RECEIPT_TOKEN
    ///   receipts: push                      # or poll; default: push with gateway.public_url
    ///   poll_interval: 30s
    ///   poll_for: 15m
    /// ```
    public struct Aliyun: Sendable, Equatable {
        /// How the outcome of an IVR call (its key) comes back.
        public enum Receipts: String, Sendable, CaseIterable {
            /// Aliyun's HTTP batch push to the gateway (`/voice/aliyun/receipts?token=…`).
            case push
            /// `klaxon-voice` asks `QueryCallDetailByCallId` after the call.
            case poll
        }

        /// What an `IvrCall` plays: the start template (with the alert text), and the template
        /// each key plays once pressed.
        public struct IVR: Sendable, Equatable {
            public var startCode: String
            /// "1", "2", "3" → template code ("1" always present).
            public var keys: [String: String]
            /// How long the IVR waits for a key (Aliyun's `Timeout`, ms); nil: Aliyun's default.
            public var timeoutMillis: Int64?

            public init(startCode: String, keys: [String: String], timeoutMillis: Int64? = nil) {
                self.startCode = startCode
                self.keys = keys
                self.timeoutMillis = timeoutMillis
            }
        }

        /// What `SendSms` sends: a signature and a template whose variable `param` takes the text.
        public struct SMS: Sendable, Equatable {
            public var signName: String
            public var templateCode: String
            public var param: String
            /// The variable's length limit, in characters.
            public var maxChars: Int

            public init(signName: String, templateCode: String, param: String, maxChars: Int = 35) {
                self.signName = signName
                self.templateCode = templateCode
                self.param = param
                self.maxChars = maxChars
            }
        }

        public var accessKeyID = ""
        public var accessKeySecret = ""
        /// `SendSms`'s API (dysmsapi), no trailing slash.
        public var smsBaseURL = "https://dysmsapi.aliyuncs.com"
        /// The caller id (`CalledShowNumber`); "" is the public number pool (notice calls only).
        public var calledShowNumber = ""
        /// `SingleCallByTts`'s template; "": every call is an IVR call.
        public var ttsCode = ""
        /// The variable of the voice templates (`tts_code`, `ivr.start_code`) taking the text.
        public var ttsParam = "alert"
        /// `PlayTimes`, 1–3.
        public var playTimes = 2
        public var ivr: IVR?
        public var sms: SMS?
        /// The secret the receipt push URL carries (`?token=`); "" when receipts are polled.
        public var receiptToken = ""
        /// nil: push when `gateway.public_url` is set, poll otherwise.
        public var receipts: Receipts?
        /// How often, and how long after placing an IVR call, polling asks for its outcome.
        public var pollIntervalMillis: Int64 = 30_000
        public var pollForMillis: Int64 = 900_000

        public init() {}

        /// Whether IVR calls are followed by polling, given the gateway's public URL.
        public func polls(publicURL: String?) -> Bool { (receipts ?? (publicURL == nil ? .poll : .push)) == .poll }

        static func read(_ p: MappingReader, environment: [String: String]) -> Aliyun {
            var a = Aliyun()
            a.accessKeyID = p.requiredString("access_key_id") ?? ""
            a.accessKeySecret = p.secret("access_key_secret_env", environment: environment, required: true) ?? ""
            if let base = VoiceConfig.baseURL(p, "sms_base_url") { a.smsBaseURL = base }
            a.calledShowNumber = p.string("called_show_number") ?? ""
            if !a.calledShowNumber.isEmpty, !a.calledShowNumber.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "-" || $0 == "_") }) {
                p.report("called_show_number", "expected a number such as 057188990000 (digits, no +), got \"\(a.calledShowNumber)\"")
            }
            a.ttsCode = p.string("tts_code") ?? ""
            a.ttsParam = p.string("tts_param") ?? a.ttsParam
            if a.ttsParam.isEmpty { p.report("tts_param", "must not be empty: the template variable that takes the alert text") }
            a.playTimes = p.int("play_times", default: a.playTimes, range: 1...3)
            if p.node("ivr") != nil, let m = p.mapping("ivr") {
                let start = m.requiredString("start_code") ?? ""
                var keys: [String: String] = [:]
                let pairs = m.stringMap("keys")
                if m.node("keys") == nil { m.report("keys", "missing (required): {\"1\": TTS_…} at least, the template key 1 plays") }
                for (key, code) in pairs {
                    if ["1", "2", "3"].contains(key) {
                        keys[key] = code
                    } else {
                        m.report("keys", "only keys 1, 2 and 3 act on an incident (acknowledge, resolve, snooze), got \"\(key)\"")
                    }
                }
                if !pairs.isEmpty, keys["1"] == nil { m.report("keys", "key \"1\" (acknowledge) is required") }
                let timeout = m.node("timeout") == nil ? nil : m.duration("timeout", default: 10_000, min: 1000)
                a.ivr = IVR(startCode: start, keys: keys, timeoutMillis: timeout)
                if a.calledShowNumber.isEmpty { p.report("ivr", "needs called_show_number: IvrCall calls from a purchased number") }
                m.finish()
            }
            if p.node("sms") != nil, let m = p.mapping("sms") {
                let sign = m.requiredString("sign_name") ?? ""
                let template = m.requiredString("template_code") ?? ""
                let param = m.string("param") ?? a.ttsParam
                a.sms = SMS(signName: sign, templateCode: template, param: param, maxChars: m.int("max_chars", default: 35, range: 1...500))
                m.finish()
            }
            if a.ttsCode.isEmpty && a.ivr == nil && a.sms == nil {
                p.report("tts_code", "set tts_code (notice calls), ivr (calls with keys) or sms: this provider can do nothing")
            }
            if p.node("receipts") != nil { a.receipts = p.oneOf("receipts", default: Receipts.push) }
            // Pushed receipts are how keys come back: their URL needs the token, unless polled.
            if a.ivr != nil, a.receipts != .poll, p.node("receipt_token_env") == nil {
                p.report("receipt_token_env", "missing (required with ivr, unless receipts: poll): the variable holding the receipt URL's token")
            }
            a.receiptToken = p.secret("receipt_token_env", environment: environment, required: false) ?? ""
            a.pollIntervalMillis = p.duration("poll_interval", default: a.pollIntervalMillis, min: 1000)
            a.pollForMillis = p.duration("poll_for", default: a.pollForMillis, min: 60_000)
            return a
        }
    }
}
