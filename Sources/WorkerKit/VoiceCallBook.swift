import AlertCore
import Foundation
import Redis

/// The calls `klaxon-voice` placed, in Redis, so the gateway can tie a provider's receipt to
/// the notification, incident and number it is about: Aliyun's receipts carry the request's
/// `OutId` (our reference, written before the call, so no receipt can arrive first) and its
/// `call_id`; Tencent's callbacks carry only the `callid` Tencent answered (written right after).
/// Entries live `ttlSeconds` (two days: longer than any provider retries a receipt).
///
/// Keys: `RedisKeys.voiceCall(ns, "ref:<reference>")` and `RedisKeys.voiceCall(ns, "<kind>:<call id>")`,
/// each a `VoiceCallbacks.Call` as JSON.
public struct VoiceCallBook: Sendable {
    let redis: any RedisCommanding
    let namespace: String
    public static let ttlSeconds = 2 * 86_400

    public init(redis: any RedisCommanding, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// Stores `call` under its reference. Throws when Redis cannot be reached.
    public func record(_ call: VoiceCallbacks.Call, reference: String) async throws {
        try await set("ref:\(reference)", call)
    }

    /// Stores `call` under the call id a provider of `kind` gave it.
    public func record(_ call: VoiceCallbacks.Call, kind: VoiceConfig.Kind, callID: String) async throws {
        try await set("\(kind.rawValue):\(callID)", call)
    }

    /// The call of a reference, if known.
    public func call(reference: String) async throws -> VoiceCallbacks.Call? { try await get("ref:\(reference)") }

    /// The call a provider of `kind` named `callID`, if known.
    public func call(kind: VoiceConfig.Kind, callID: String) async throws -> VoiceCallbacks.Call? { try await get("\(kind.rawValue):\(callID)") }

    func set(_ key: String, _ call: VoiceCallbacks.Call) async throws {
        let json = String(decoding: try JSONEncoder().encode(call), as: UTF8.self)
        let reply = try await redis.command(["SET", RedisKeys.voiceCall(namespace, key), json, "EX", String(Self.ttlSeconds)])
        if case .error(let e) = reply { throw RedisError(message: e, isConnectionError: false) }
    }

    func get(_ key: String) async throws -> VoiceCallbacks.Call? {
        let reply = try await redis.command(["GET", RedisKeys.voiceCall(namespace, key)])
        if case .error(let e) = reply { throw RedisError(message: e, isConnectionError: false) }
        guard case .bulk(let bytes) = reply else { return nil }
        return try? JSONDecoder().decode(VoiceCallbacks.Call.self, from: Data(bytes))
    }
}
