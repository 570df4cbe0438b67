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

    public init(kind: Kind, notificationID: String, incidentID: String, to: String, message: String, language: String) {
        self.kind = kind
        self.notificationID = notificationID
        self.incidentID = incidentID
        self.to = to
        self.message = message
        self.language = language
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
            }
        }
        return out
    }
}
