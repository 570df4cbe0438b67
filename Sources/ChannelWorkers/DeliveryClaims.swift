import AlertCore
import Foundation
import Redis
import WorkerKit

/// Who may send a notification, across threads and replicas: one sender at a time per id, and
/// never again once it was delivered.
///
/// Two Redis strings per notification id (names from `RedisKeys`):
/// - `<ns>:delivered:<id>`, set after a successful send for `delivery.idempotency_ttl`: later
///   copies (a redelivery after a crash between send and ack, a router re-route) are skipped;
/// - `<ns>:claim:<id>`, the sender's claim, a random token for `delivery.claim_ttl`, renewed
///   every third of it while the send runs (`holding`, through one `ClaimRenewals` loop for
///   all of a worker's claims): while it lives, other copies wait
///   (through the shortest delay queue, without using up an attempt) instead of sending a second
///   page. The holder deletes it when done; a sender that crashed loses it within one TTL.
///
/// Checking "delivered?" and taking the claim is one Lua script, so two copies handled at the
/// same instant can never both send (the race a check-then-record design had).
package struct DeliveryClaims: Sendable {
    /// What a sender may do with one notification.
    enum Claim: Equatable, Sendable {
        /// Send it; then `finish` with this token.
        case granted(token: String)
        /// Already delivered: skip and ack.
        case delivered
        /// Another sender holds it right now: retry later, do not send.
        case held
        /// Redis cannot say: send anyway (a duplicate page beats a lost one).
        case unknown
    }

    /// KEYS[1] delivered key, KEYS[2] claim key. ARGV[1] token, ARGV[2] claim TTL in ms.
    /// Returns 0 when delivered, 1 when the claim was taken, 2 when another sender holds it.
    package static let claimScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        return 2
        """

    /// KEYS[1] claim key. ARGV[1] token. Deletes the claim only if this sender still holds it
    /// (after its TTL another sender may have taken it).
    package static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """

    /// KEYS[1] claim key. ARGV[1] token, ARGV[2] claim TTL in ms. Extends the claim only if
    /// this sender still holds it.
    package static let renewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """

    let redis: any RedisCommanding
    let namespace: String
    let deliveredTTL: String
    let claimTTL: String
    let logger: Logger
    let renewals: ClaimRenewals

    init(config: KlaxonConfig, redis: any RedisCommanding, logger: Logger) {
        self.redis = redis
        namespace = config.broker.namespace
        deliveredTTL = String(config.delivery.idempotencyTTLMillis)
        let ttl = String(config.delivery.claimTTLMillis)
        claimTTL = ttl
        self.logger = logger
        renewals = ClaimRenewals(every: .milliseconds(config.delivery.claimTTLMillis / 3)) { held in
            await Self.renew(held, redis: redis, ttlMillis: ttl)
        }
    }

    /// Extends each claim to the full TTL if this sender (its token) still holds it; one round
    /// trip for all. A failure is left to the next round (the claims last a TTL).
    static func renew(_ held: [(key: String, token: String)], redis: any RedisCommanding, ttlMillis: String) async {
        _ = try? await redis.pipeline(held.map { ["EVAL", renewScript, "1", $0.key, $0.token, ttlMillis] })
    }

    /// Claims each id for this sender, unless it was delivered or another sender holds it (one
    /// script each, all in one pipeline: one round trip for a batch).
    /// Redis unreachable: every claim is `.unknown`.
    func claim(_ ids: [String]) async -> [Claim] {
        // Random and unique like UUID(), without Foundation opening /dev/urandom per call.
        let tokens = ids.map { _ in AlertID.make() }
        let commands = zip(ids, tokens).map { id, token in
            ["EVAL", Self.claimScript, "2", RedisKeys.delivered(namespace, id), RedisKeys.deliveryClaim(namespace, id), token, claimTTL]
        }
        guard let replies = try? await redis.pipeline(commands), replies.count == ids.count else {
            return ids.map { _ in .unknown }
        }
        return zip(replies, tokens).map { reply, token in
            switch reply.integer {
            case 0: .delivered
            case 1: .granted(token: token)
            case nil: .unknown
            default: .held
            }
        }
    }

    /// After sends: records each id delivered if it was (for `delivery.idempotency_ttl`), and
    /// gives its claim back, sent or failed, so the next copy or retry need not wait for its TTL;
    /// one pipeline, so one round trip for a batch. A Redis failure is logged, not thrown: the
    /// pages went out; only a later copy could send one again.
    func finish(_ sends: [(id: String, claim: Claim, delivered: Bool)]) async {
        var commands: [[String]] = []
        for s in sends {
            if s.delivered { commands.append(["SET", RedisKeys.delivered(namespace, s.id), "1", "PX", deliveredTTL]) }
            if case .granted(let token) = s.claim {
                commands.append(["EVAL", Self.releaseScript, "1", RedisKeys.deliveryClaim(namespace, s.id), token])
            }
        }
        guard !commands.isEmpty else { return }
        do { _ = try await redis.pipeline(commands) } catch {
            let delivered = sends.filter(\.delivered).map(\.id)
            guard !delivered.isEmpty else { return }
            logger.warning(
                "delivered, but cannot record it in Redis; a redelivery would send it again",
                ["error": "\(error)", "notifications": delivered.joined(separator: ",")])
        }
    }

    /// Runs `work` while renewing the claim every third of its TTL, so a long send (a slow SMTP
    /// server, a robot's budget wait) keeps it, and a crashed sender's lapses within one TTL.
    func holding<T: Sendable>(_ id: String, _ claim: Claim, _ work: @escaping @Sendable () async -> T) async -> T {
        guard case .granted(let token) = claim else { return await work() }
        let key = RedisKeys.deliveryClaim(namespace, id)
        renewals.hold(key, token: token)
        defer { renewals.release(key) }
        return await work()
    }

    /// The failure a copy gets while another sender holds its notification: retried later.
    static func heldElsewhere(_ id: String) -> DeliveryError {
        .transient(.inProgress, "notification \(id) is being sent by another sender; retrying once it is done")
    }
}
