import Foundation
import OnCall

/// `voice:` the providers `klaxon-voice` calls and texts through, and which numbers use which.
///
/// ```yaml
/// voice:
///   timeout: 10s                     # per provider request
///   providers:
///     - name: twilio
///       kind: twilio
///       account_sid: AC0123…
///       auth_token_env: TWILIO_AUTH_TOKEN
///       from: "+15005550006"
///       base_url: https://api.twilio.com  # default; tests point it at a fake
///       limits: [{per: 1m, calls: 1}, {per: 1h, calls: 5}]
///     - name: pbx
///       kind: webhook
///       url: https://pbx.internal.example.com/klaxon
///       secret_env: PBX_SECRET
///     - name: aliyun                  # VoiceConfig.Aliyun (docs/voice.md)
///       kind: aliyun
///       access_key_id: LTAI…
///       access_key_secret_env: ALIYUN_SECRET
///       tts_code: TTS_100001
///       receipt_token_env: ALIYUN_RECEIPT_TOKEN
///     - name: tencent                 # VoiceConfig.Tencent
///       kind: tencent
///       secret_id: AKID…
///       secret_key_env: TENCENT_SECRET_KEY
///       sdk_app_id: "1400000000"
///       template_id: "1000001"
///       callback_token_env: TENCENT_CALLBACK_TOKEN
///   chains:
///     - {prefix: "+86", providers: [pbx, twilio]}
///     - {prefix: "", providers: [twilio]}
/// ```
///
/// A number uses the chain with the longest matching prefix; its providers are tried in order.
/// Every provider named by a chain must exist; a provider's secrets come from the environment.
/// The gateway reads the same section to verify the providers' callbacks.
public struct VoiceConfig: Sendable, Equatable {
    /// How a provider is reached.
    public enum Kind: String, Sendable, CaseIterable {
        /// Twilio Programmable Voice and Messaging.
        case twilio
        /// The operator's own telephony: a signed JSON POST (docs/voice.md).
        case webhook
        /// Aliyun Voice Messaging (dyvmsapi: SingleCallByTts, IvrCall) and SMS (dysmsapi).
        case aliyun
        /// Tencent Cloud VMS (SendTtsVoice).
        case tencent

        /// The API a provider of this kind talks to unless `base_url` says otherwise.
        public var defaultBaseURL: String {
            switch self {
            case .twilio: "https://api.twilio.com"
            case .webhook: ""
            case .aliyun: "https://dyvmsapi.aliyuncs.com"
            case .tencent: "https://vms.tencentcloudapi.com"
            }
        }

        /// The carriers' limits per callee, used when a provider has no `limits`: Aliyun 1 a
        /// minute, 5 an hour, 20 a day; Tencent 1 per 30 s, 2 per 10 minutes; none otherwise.
        public var defaultLimits: [RateLimit] {
            switch self {
            case .twilio, .webhook: []
            case .aliyun:
                [
                    RateLimit(messages: 1, windowMillis: 60_000), RateLimit(messages: 5, windowMillis: 3_600_000),
                    RateLimit(messages: 20, windowMillis: 86_400_000),
                ]
            case .tencent: [RateLimit(messages: 1, windowMillis: 30_000), RateLimit(messages: 2, windowMillis: 600_000)]
            }
        }
    }

    /// One provider.
    public struct Provider: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        /// Calls (or messages) per callee and sliding window through this provider, shared by
        /// every replica; empty: no budget. Absent from the file: the kind's `defaultLimits`.
        public var limits: [RateLimit]
        /// The API base (no trailing slash): Twilio's, Aliyun's dyvmsapi, Tencent's VMS.
        public var baseURL: String
        /// Twilio: the account, its auth token, the caller id.
        public var accountSID = ""
        public var authToken = ""
        public var from = ""
        /// Webhook: where to POST, and the HMAC secret of requests and callbacks.
        public var url = ""
        public var secret = ""
        /// Aliyun's settings (kind `aliyun`).
        public var aliyun = Aliyun()
        /// Tencent Cloud's settings (kind `tencent`).
        public var tencent = Tencent()

        public init(name: String, kind: Kind) {
            self.name = name
            self.kind = kind
            self.baseURL = kind.defaultBaseURL
            self.limits = kind.defaultLimits
        }
    }

    /// The providers for numbers starting with `prefix`, in order.
    public struct Chain: Sendable, Equatable {
        public var prefix: String
        public var providers: [String]

        public init(prefix: String, providers: [String]) {
            self.prefix = prefix
            self.providers = providers
        }
    }

    public var providers: [Provider] = []
    public var chains: [Chain] = []
    /// One provider request's deadline; a provider that does not answer in time is skipped.
    public var timeoutMillis: Int64 = 10_000
    /// Threads (curl handles) for provider requests.
    public var httpThreads = 4

    public init(providers: [Provider] = [], chains: [Chain] = []) {
        self.providers = providers
        self.chains = chains
    }

    /// The providers to try for `number`, in order: the chain with the longest prefix that
    /// matches; empty when none does.
    public func chain(for number: String) -> [Provider] {
        let best = chains.filter { number.hasPrefix($0.prefix) }.max { $0.prefix.count < $1.prefix.count }
        return (best?.providers ?? []).compactMap { name in providers.first { $0.name == name } }
    }

    /// The provider named `name`.
    public func provider(_ name: String) -> Provider? { providers.first { $0.name == name } }

    static func read(_ m: MappingReader?, environment: [String: String]) -> VoiceConfig {
        var c = VoiceConfig()
        guard let m else { return c }
        c.timeoutMillis = m.duration("timeout", default: c.timeoutMillis, min: 500)
        c.httpThreads = m.int("http_threads", default: c.httpThreads, range: 1...64)
        for p in m.mappings("providers") {
            if let provider = readProvider(p, environment: environment) {
                if c.providers.contains(where: { $0.name == provider.name }) {
                    p.report("name", "duplicate provider name \"\(provider.name)\"")
                }
                c.providers.append(provider)
            }
            p.finish()
        }
        let names = Set(c.providers.map(\.name))
        for ch in m.mappings("chains") {
            let prefix = ch.string("prefix") ?? ""
            if !prefix.isEmpty, !(prefix.hasPrefix("+") && prefix.dropFirst().allSatisfy(\.isASCII) && prefix.dropFirst().allSatisfy(\.isNumber)) {
                ch.report("prefix", "expected \"\" or + and digits such as +86, got \"\(prefix)\"")
            }
            let list = ch.stringList("providers") ?? []
            if list.isEmpty { ch.report("providers", "list at least one provider") }
            for (i, name) in list.enumerated() where !names.contains(name) {
                ch.diagnostics.report(
                    "\(ch.pathOf("providers"))[\(i)]",
                    "no provider named \"\(name)\" in voice.providers"
                        + (names.isEmpty ? "" : " (providers: \(names.sorted().joined(separator: ", ")))"))
            }
            if c.chains.contains(where: { $0.prefix == prefix }) { ch.report("prefix", "another chain has prefix \"\(prefix)\"") }
            c.chains.append(Chain(prefix: prefix, providers: list))
            ch.finish()
        }
        if !c.providers.isEmpty && c.chains.isEmpty {
            m.report("chains", "list at least one chain, e.g. {prefix: \"\", providers: [\(c.providers[0].name)]}")
        }
        m.finish()
        return c
    }

    static func readProvider(_ p: MappingReader, environment: [String: String]) -> Provider? {
        let name = p.requiredString("name") ?? ""
        guard let kindText = p.requiredString("kind") else { return nil }
        guard let kind = Kind(rawValue: kindText) else {
            p.report("kind", "expected one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(kindText)\"")
            return nil
        }
        var v = Provider(name: name, kind: kind)
        if p.node("limits") != nil { v.limits = [] }
        for l in p.mappings("limits") {
            let per = l.duration("per", default: 0, min: 1000)
            let calls = l.int("calls", default: 0, range: 1...10_000)
            if l.node("per") == nil { l.report("per", "missing (required): a window such as 1m") }
            if l.node("calls") == nil { l.report("calls", "missing (required): how many calls per window") }
            if per > 0 && calls > 0 { v.limits.append(RateLimit(messages: calls, windowMillis: per)) }
            l.finish()
        }
        if kind != .webhook, let base = baseURL(p, "base_url") { v.baseURL = base }
        switch kind {
        case .twilio:
            v.accountSID = p.requiredString("account_sid") ?? ""
            v.authToken = p.secret("auth_token_env", environment: environment, required: true) ?? ""
            v.from = p.requiredString("from") ?? ""
            if !v.from.isEmpty, !Checks.isE164(v.from) { p.report("from", "not an E.164 number (like +15005550006): \"\(v.from)\"") }
        case .aliyun: v.aliyun = Aliyun.read(p, environment: environment)
        case .tencent: v.tencent = Tencent.read(p, environment: environment)
        case .webhook:
            v.url = p.requiredString("url") ?? ""
            if !v.url.isEmpty, !(v.url.hasPrefix("https://") || v.url.hasPrefix("http://")) { p.report("url", "expected an http(s) URL") }
            v.secret = p.secret("secret_env", environment: environment, required: true) ?? ""
        }
        return v
    }

    /// An http(s) URL at `key` without its trailing slash; nil (reported) when it is not one.
    static func baseURL(_ p: MappingReader, _ key: String) -> String? {
        guard let base = p.string(key) else { return nil }
        guard base.hasPrefix("https://") || base.hasPrefix("http://") else {
            p.report(key, "expected an http(s) URL, got \"\(base)\"")
            return nil
        }
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
