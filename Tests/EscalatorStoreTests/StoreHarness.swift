import AlertCore
import EscalatorStore
import Foundation
import Redis
import TestSupport
import WorkerKit

/// A fresh namespace on the shared Redis with `replicas` connections (each one replica's), and
/// the stores over the first. `run` deletes every key of the namespace afterwards, even when the
/// test throws.
struct StoreHarness {
    /// The namespace (`t<hex>`).
    let namespace: String
    /// One connection per replica.
    let connections: [SharedRedis]
    /// The timers, over the first connection.
    var timers: TimerStore { TimerStore(redis: connections[0], namespace: namespace) }
    /// The incidents, over the first connection.
    var incidents: IncidentStore { IncidentStore(redis: connections[0], namespace: namespace) }

    /// The timers as replica `index` sees them (over its own connection).
    func timers(replica index: Int) -> TimerStore { TimerStore(redis: connections[index], namespace: namespace) }

    /// Runs `body` over a fresh harness, then deletes the namespace's keys and closes it.
    static func run(replicas: Int = 1, _ body: (StoreHarness) async throws -> Void) async throws {
        _ = try TestEnvironment.redis()
        let namespace = TestEnvironment.namespace()
        let config = try TestEnvironment.config(namespace: namespace).redis
        let harness = StoreHarness(namespace: namespace, connections: (0..<replicas).map { _ in SharedRedis(config) })
        defer { harness.connections.forEach { $0.close() } }
        do {
            try await body(harness)
        } catch {
            try await harness.deleteKeys()
            throw error
        }
        try await harness.deleteKeys()
    }

    /// Deletes every key of the namespace.
    func deleteKeys() async throws {
        let redis = connections[0]
        var cursor = "0"
        repeat {
            guard case .array(let r) = try await redis.command(["SCAN", cursor, "MATCH", "\(namespace):*", "COUNT", "1000"]), r.count == 2,
                let next = r[0].string, case .array(let keys) = r[1]
            else { throw TestFailure("SCAN") }
            let names = keys.compactMap(\.string)
            if !names.isEmpty { _ = try await redis.command(["DEL"] + names) }
            cursor = next
        } while cursor != "0"
    }

    /// How many keys of the namespace exist.
    func keyCount() async throws -> Int {
        guard case .array(let keys) = try await connections[0].command(["KEYS", "\(namespace):*"]) else { throw TestFailure("KEYS") }
        return keys.count
    }

    /// The owner recorded for the incident's lease, if any.
    func leaseOwner(_ incidentID: String) async throws -> String? {
        try await connections[0].command(["HGET", RedisKeys.escalationTimerLeases(namespace), incidentID]).string
    }
}

/// A fixed instant: the stores take the time from the caller, so tests never wait for a clock.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

extension Date {
    /// This instant plus `ms` milliseconds.
    func plus(ms: Int64) -> Date { addingTimeInterval(Double(ms) / 1000) }
}
