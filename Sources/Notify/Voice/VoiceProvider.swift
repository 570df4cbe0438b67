import AlertCore
import Blocking
import CurlClient
import Foundation

/// One call or text message to one number, as every provider receives it.
public struct VoiceRequest: Sendable, Equatable {
    public enum Kind: String, Sendable { case call, sms }

    public var kind: Kind
    /// The notification's id (callbacks carry it back; providers may use it as a dedup key).
    public var notificationID: String
    /// The incident a page is about ("" for a route's notification without an incident).
    public var incidentID: String
    /// E.164.
    public var to: String
    /// What to say or write (already rendered, in the callee's language).
    public var message: String
    /// BCP 47 tag of the callee (`zh-CN`, `ru-RU`, `en-US`).
    public var language: String
    /// The short id providers echo with their receipts (Aliyun's `OutId`, Tencent's
    /// `SessionContext`): `VoiceCallbacks.reference(notification:to:)`.
    public var reference: String

    public init(kind: Kind, notificationID: String, incidentID: String, to: String, message: String, language: String) {
        self.kind = kind
        self.notificationID = notificationID
        self.incidentID = incidentID
        self.to = to
        self.message = message
        self.language = language
        self.reference = VoiceCallbacks.reference(notification: notificationID, to: to)
    }
}

/// A phone provider: places one call or sends one SMS.
///
/// Contract: returns once the provider accepted the request, with its id for the call or
/// message (Twilio's `CA…`/`SM…`). Throws `DeliveryError`: `.permanent` when asking again
/// cannot help (bad credentials, a number it refuses: the chain moves to the next provider),
/// `.transient` otherwise; a `.transient(.timeout)` also moves on at once, since a provider that
/// does not answer now rarely answers a moment later. Safe to call concurrently.
public protocol VoiceProvider: Sendable {
    /// The provider's name from `voice.providers`.
    var name: String { get }
    func send(_ request: VoiceRequest) async throws(DeliveryError) -> String
}

/// What a provider reports of a call after it was placed.
public struct VoiceCallOutcome: Sendable, Equatable {
    /// The provider's status of the call (Aliyun: the call detail's `state`).
    public var status: String
    /// The key pressed, "" for none.
    public var digits: String

    public init(status: String, digits: String) {
        self.status = status
        self.digits = digits
    }
}

/// A provider whose calls' outcomes `klaxon-voice` asks for after the call, when its receipts
/// cannot reach the gateway (Aliyun's `QueryCallDetailByCallId`, docs/voice.md "Polling").
public protocol VoiceOutcomePolling: VoiceProvider {
    /// Whether the call placed for `request` is followed by polling.
    func polls(_ request: VoiceRequest) -> Bool
    /// How often to ask, and for how long after the call was placed.
    var pollIntervalMillis: Int64 { get }
    var pollForMillis: Int64 { get }
    /// The call's outcome once the provider has a record of it; nil while it has none yet.
    /// Throws `DeliveryError` when the provider could not be asked (ask again later).
    func outcome(callID: String, placedAt: Date) async throws(DeliveryError) -> VoiceCallOutcome?
}

/// What every HTTP provider shares: libcurl handles on threads of their own.
public final class VoiceHTTP: Sendable {
    private let clients: [HTTPClient]
    private let executor: BlockingExecutor
    let timeout: Duration

    public init(threads: Int, timeoutMillis: Int64) {
        clients = (0..<max(threads, 1)).map { _ in HTTPClient(responseLimit: 64 << 10) }
        executor = BlockingExecutor(name: "klaxon-voice-http", threads: clients.count)
        timeout = .milliseconds(timeoutMillis)
    }

    deinit { executor.shutdown() }

    /// POSTs `body`; the status and body, or the transport's `DeliveryError`.
    func post(_ url: String, headers: [(String, String)], body: [UInt8]) async throws(DeliveryError) -> (status: Int, body: Data) {
        let clients = self.clients, timeout = self.timeout
        let result: Result<(status: Int, body: Data), DeliveryError>
        do {
            result = try await executor.run { index in
                do throws(DeliveryError) {
                    return .success(try clients[index].post(url: url, headers: headers, body: body, timeout: timeout))
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw .transient(.network, "\(error)")
        }
        return try result.get()
    }
}

/// Builds the providers of `voice.providers` by name.
public enum VoiceProviders {
    /// One provider per configured entry; `publicURL` is where callbacks reach the gateway.
    public static func make(_ config: VoiceConfig, publicURL: String?, http: VoiceHTTP) -> [String: any VoiceProvider] {
        var out: [String: any VoiceProvider] = [:]
        for p in config.providers {
            switch p.kind {
            case .twilio: out[p.name] = TwilioProvider(p, publicURL: publicURL, http: http)
            case .webhook: out[p.name] = WebhookProvider(p, publicURL: publicURL, http: http)
            case .aliyun: out[p.name] = AliyunProvider(p, publicURL: publicURL, http: http)
            case .tencent: out[p.name] = TencentProvider(p, http: http)
            }
        }
        return out
    }
}
