import Foundation

extension VoiceConfig {
    /// Tencent Cloud VMS (docs/voice.md, shared/voice-providers.md §3): `SendTtsVoice` with a
    /// console-approved template whose parameter takes the alert text; status and key-press
    /// callbacks reach the gateway at `/voice/tencent/callback?token=…`.
    ///
    /// ```yaml
    /// - name: tencent
    ///   kind: tencent
    ///   secret_id: AKIDExample
    ///   secret_key_env: TENCENT_SECRET_KEY
    ///   sdk_app_id: "1400000000"       # VoiceSdkAppid
    ///   template_id: "1000001"
    ///   region: ap-guangzhou
    ///   play_times: 2
    ///   callback_token_env: TENCENT_CALLBACK_TOKEN
    /// ```
    public struct Tencent: Sendable, Equatable {
        public var secretID = ""
        public var secretKey = ""
        public var sdkAppID = ""
        public var templateID = ""
        public var region = "ap-guangzhou"
        /// `PlayTimes`, 1–3.
        public var playTimes = 2
        /// The secret the callback URL carries (`?token=`).
        public var callbackToken = ""

        public init() {}

        static func read(_ p: MappingReader, environment: [String: String]) -> Tencent {
            var t = Tencent()
            t.secretID = p.requiredString("secret_id") ?? ""
            t.secretKey = p.secret("secret_key_env", environment: environment, required: true) ?? ""
            t.sdkAppID = p.requiredString("sdk_app_id") ?? ""
            if !t.sdkAppID.isEmpty, !t.sdkAppID.allSatisfy({ $0.isASCII && $0.isNumber }) {
                p.report("sdk_app_id", "expected the VoiceSdkAppid's digits such as \"1400000000\", got \"\(t.sdkAppID)\"")
            }
            t.templateID = p.requiredString("template_id") ?? ""
            t.region = p.string("region") ?? t.region
            if t.region.isEmpty { p.report("region", "must not be empty (ap-guangzhou, ap-beijing)") }
            t.playTimes = p.int("play_times", default: t.playTimes, range: 1...3)
            t.callbackToken =
                p.secret("callback_token_env", environment: environment, required: true) ?? ""
            return t
        }
    }
}
