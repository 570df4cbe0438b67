import AlertCore
import Foundation
import Redis
import Signing
import Synchronization

/// The heartbeat integrations OnCall OSS creates on the relay (`POST api/v1/integrations/`) and
/// then polls through their link, without a token.
///
/// An integration's id is derived, not stored: `H` and 19 hex digits of HMAC-SHA256(key: the
/// token, message: the name). So every replica, before and after a restart, gives a name the
/// same id and link, and a link cannot be guessed without the token. What is stored is only
/// that the integration was created (OnCall wants 201 the first time and 400 "already exists"
/// after) and whose it is: in Redis when the gateway has Redis (`<ns>:oncall-relay:integration:<id>`
/// → `{"name", "token"}`, shared by every replica), else in this process. The record expires
/// `ttlSeconds` after the last heartbeat; a link whose record is gone answers 403, and OnCall
/// then creates the integration again (same name, same id).
final class OnCallRelayIntegrations: Sendable {
    /// A created integration.
    struct Record: Codable, Equatable, Sendable {
        var name: String
        /// The name of the relay token that created it.
        var token: String
    }

    /// 30 days: an install that stopped sending heartbeats long ago is forgotten.
    static let ttlSeconds = 30 * 86_400

    private let redis: (any RedisCommanding)?
    private let namespace: String
    private let local = Mutex<[String: Record]>([:])

    /// `redis` nil: records live in this process only.
    init(redis: (any RedisCommanding)?, namespace: String) {
        self.redis = redis
        self.namespace = namespace
    }

    /// The id of the integration `name` created with `token`.
    static func id(name: String, token: IncidentsConfig.APIToken) -> String {
        let mac = Signing.hmacSHA256(key: Array(token.token.utf8), message: Array("oncall-relay-integration\u{0}\(name)".utf8))
        return "H" + Signing.hex(mac).prefix(19)
    }

    /// Records `record` under `id`; false when it existed already. Throws when Redis cannot be
    /// reached or answers something else.
    func create(_ id: String, _ record: Record) async throws -> Bool {
        let value = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        guard let redis else {
            return local.withLock { all in
                if all[id] != nil { return false }
                all[id] = record
                return true
            }
        }
        let reply = try await redis.command(["SET", key(id), value, "NX", "EX", String(Self.ttlSeconds)])
        switch reply {
        case .status("OK"): return true
        case .null: return false
        default: throw RedisError(message: "unexpected reply to SET NX: \(reply)", isConnectionError: false)
        }
    }

    /// The record of `id`, or nil. With `touch`, its expiry starts again (a heartbeat).
    func find(_ id: String, touch: Bool = false) async throws -> Record? {
        guard let redis else { return local.withLock { $0[id] } }
        // GET then EXPIRE in one pipeline (GETEX would need Redis 6.2).
        var commands = [["GET", key(id)]]
        if touch { commands.append(["EXPIRE", key(id), String(Self.ttlSeconds)]) }
        let reply = try await redis.pipeline(commands)[0]
        switch reply {
        case .null: return nil
        case .bulk(let bytes): return try? JSONDecoder().decode(Record.self, from: Data(bytes))
        default: throw RedisError(message: "unexpected reply to GET: \(reply)", isConnectionError: false)
        }
    }

    private func key(_ id: String) -> String { RedisKeys.oncallRelayIntegration(namespace, id) }
}
