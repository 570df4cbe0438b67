import AlertCore
import Foundation
import TestSupport
import Testing
import YAMLConfig

/// `voice.providers` of kinds `aliyun` and `tencent`: defaults, and one message per mistake,
/// naming the field.
@Suite struct VoiceProviderConfigTests {
    static let environment = ["TEST_TOKEN": TestEnvironment.token, "AK": "ak-secret", "AR": "receipt-token", "TK": "tk", "TC": "cb-token"]

    static func parse(_ providers: String, chain: String = "[aliyun]") throws -> VoiceConfig {
        try ConfigLoader.parse(
            TestEnvironment.configYAML(
                namespace: "voice-config",
                extra: """
                    voice:
                      providers:
                    \(providers)
                      chains:
                        - {prefix: "+86", providers: \(chain)}
                    """), environment: environment
        ).voice
    }

    static func problems(_ providers: String, chain: String = "[aliyun]") -> [String] {
        do {
            _ = try parse(providers, chain: chain)
            return []
        } catch { return "\(error)".split(separator: "\n").map(String.init) }
    }

    static let aliyun = """
            - name: aliyun
              kind: aliyun
              access_key_id: LTAIexample
              access_key_secret_env: AK
              called_show_number: "057188990000"
              tts_code: TTS_100001
              ivr: {start_code: TTS_200001, keys: {"1": TTS_200011, "3": TTS_200013}, timeout: 15s}
              sms: {sign_name: 值班, template_code: SMS_1}
              receipt_token_env: AR
        """
    static let tencent = """
            - {name: tencent, kind: tencent, secret_id: AKIDx, secret_key_env: TK, sdk_app_id: "1400000000", template_id: "1000001", callback_token_env: TC}
        """

    @Test func defaultsAreTheCarriersLimitsAndEndpoints() throws {
        let c = try Self.parse(Self.aliyun + "\n" + Self.tencent, chain: "[aliyun, tencent]")
        let a = try #require(c.provider("aliyun"))
        #expect(a.baseURL == "https://dyvmsapi.aliyuncs.com" && a.aliyun.smsBaseURL == "https://dysmsapi.aliyuncs.com")
        #expect(
            a.limits == [
                RateLimit(messages: 1, windowMillis: 60_000), RateLimit(messages: 5, windowMillis: 3_600_000),
                RateLimit(messages: 20, windowMillis: 86_400_000),
            ])
        #expect(a.aliyun.ivr == .init(startCode: "TTS_200001", keys: ["1": "TTS_200011", "3": "TTS_200013"], timeoutMillis: 15_000))
        #expect(a.aliyun.sms == .init(signName: "值班", templateCode: "SMS_1", param: "alert", maxChars: 35))
        #expect(a.aliyun.receiptToken == "receipt-token" && a.aliyun.ttsParam == "alert" && a.aliyun.playTimes == 2)
        #expect(a.aliyun.polls(publicURL: nil) && !a.aliyun.polls(publicURL: "https://k.example.com"))
        #expect(a.aliyun.pollIntervalMillis == 30_000 && a.aliyun.pollForMillis == 900_000)
        let t = try #require(c.provider("tencent"))
        #expect(t.baseURL == "https://vms.tencentcloudapi.com" && t.tencent.region == "ap-guangzhou" && t.tencent.callbackToken == "cb-token")
        #expect(t.limits == [RateLimit(messages: 1, windowMillis: 30_000), RateLimit(messages: 2, windowMillis: 600_000)])
        // Limits written out replace the defaults; an empty list is no budget.
        let none = try Self.parse(Self.tencent.replacingOccurrences(of: "TC}", with: "TC, limits: []}"), chain: "[tencent]")
        #expect(none.provider("tencent")?.limits == [])
        // Receipts polled on purpose: no token needed.
        let polled = try Self.parse(
            Self.aliyun.replacingOccurrences(of: "      receipt_token_env: AR", with: "      receipts: poll\n      poll_interval: 10s"))
        #expect(polled.provider("aliyun")?.aliyun.polls(publicURL: "https://k.example.com") == true)
        #expect(polled.provider("aliyun")?.aliyun.pollIntervalMillis == 10_000)
    }

    @Test func mistakesNameTheirField() {
        let cases: [(String, String, String)] = [
            (
                Self.aliyun.replacingOccurrences(of: "access_key_secret_env: AK", with: "access_key_secret_env: NOPE"),
                "voice.providers[0].access_key_secret_env", "environment variable NOPE is not set"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "      called_show_number: \"057188990000\"\n", with: ""), "voice.providers[0].ivr",
                "needs called_show_number"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "\"3\": TTS_200013", with: "\"4\": TTS_200013"), "voice.providers[0].ivr.keys",
                "only keys 1, 2 and 3"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "\"1\": TTS_200011", with: "\"2\": TTS_200011"), "voice.providers[0].ivr.keys",
                "key \"1\" (acknowledge) is required"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "      receipt_token_env: AR", with: ""), "voice.providers[0].receipt_token_env",
                "required with ivr, unless receipts: poll"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "      receipt_token_env: AR", with: "      receipts: maybe\n      receipt_token_env: AR"),
                "voice.providers[0].receipts", "expected one of push, poll"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "      sms: {sign_name: 值班, template_code: SMS_1}", with: "      sms: {sign_name: 值班}"),
                "voice.providers[0].sms.template_code", "missing (required)"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "play_times", with: "x").replacingOccurrences(
                    of: "      tts_code: TTS_100001", with: "      play_times: 4"), "voice.providers[0].play_times", "from 1 to 3"
            ),
            (
                Self.aliyun.replacingOccurrences(of: "      access_key_id: LTAIexample", with: "      account_sid: AC1"),
                "voice.providers[0].account_sid", "unknown key"
            ),
            (
                "    - {name: aliyun, kind: aliyun, access_key_id: L, access_key_secret_env: AK}", "voice.providers[0].tts_code",
                "set tts_code (notice calls), ivr (calls with keys) or sms"
            ),
            (Self.tencent.replacingOccurrences(of: "secret_key_env: TK, ", with: ""), "voice.providers[0].secret_key_env", "missing (required)"),
            (Self.tencent.replacingOccurrences(of: "\"1400000000\"", with: "app-1"), "voice.providers[0].sdk_app_id", "VoiceSdkAppid's digits"),
            (
                Self.tencent.replacingOccurrences(of: ", callback_token_env: TC", with: ""), "voice.providers[0].callback_token_env",
                "missing (required)"
            ),
            (
                Self.tencent.replacingOccurrences(of: "kind: tencent,", with: "kind: tencent, base_url: vms.example.com,"),
                "voice.providers[0].base_url", "expected an http(s) URL"
            ),
        ]
        for (providers, path, message) in cases {
            let chain = providers.contains("kind: tencent") ? "[tencent]" : "[aliyun]"
            let found = Self.problems(providers, chain: chain)
            #expect(found.contains { $0.hasPrefix(path) && $0.contains(message) }, "\(path): \(message) in \(found)")
        }
    }
}
