import AlertCore
import Escalation
import EscalatorStore
import Foundation
import TestSupport
import Testing

/// `IncidentStore` against the real Redis.
@Suite struct IncidentStoreTests {
    let policy = EscalationPolicy(
        name: "db",
        steps: [
            .init(targets: EscalationTargets(schedules: ["db"]), urgency: .important, waitMillis: 600_000),
            .init(targets: EscalationTargets(people: ["manager"]), waitMillis: 900_000),
        ],
        repeatCount: 1, ackTimeoutMillis: 3_600_000, exhausted: EscalationTargets(channels: [ChannelTarget(.dingtalk, ["ops"])]))

    @Test func aRecordRoundTripsAndTheOpenSetAndPointerFollowItsStatus() async throws {
        try await StoreHarness.run { h in
            let store = h.incidents
            var (incident, _) = Incident.open(policy: policy, fingerprint: "fp-1", now: t0)
            (incident, _) = transition(incident, .alertFiring, now: t0.plus(ms: 1234), policy: policy)
            (incident, _) = transition(incident, .acknowledge(by: "alice", via: .link), now: t0.plus(ms: 60_500), policy: policy)
            #expect(incident.ack != nil && incident.timer != nil)
            var record = IncidentRecord(incident: incident, alert: Fx.alert("disk", fingerprint: "fp-1"))
            record.markApplied("m-1")

            let v1 = try #require(try await store.save(record, expected: 0))
            #expect(try await store.load(incident.id)?.record == record)
            #expect(try await store.load(incident.id)?.version == v1)
            #expect(try await store.openIDs() == [incident.id])
            #expect(try await store.pointer(policy: "db", fingerprint: "fp-1") == .init(generation: 0, id: incident.id, resolvedAt: nil))

            let (other, _) = Incident.open(policy: policy, fingerprint: "fp-2", now: t0)
            _ = try await store.save(IncidentRecord(incident: other, alert: Fx.alert("cpu", fingerprint: "fp-2")), expected: 0)
            #expect(try await store.openIDs() == [incident.id, other.id].sorted())

            (record.incident, _) = transition(incident, .resolve(by: "alice", via: .cli), now: t0.plus(ms: 120_000), policy: policy)
            #expect(try await store.save(record, expected: v1) == v1 + 1)
            #expect(try await store.load(incident.id)?.record.incident.status == .resolved)
            #expect(try await store.openIDs() == [other.id])
            #expect(try await store.pointer(policy: "db", fingerprint: "fp-1")?.resolvedAt == t0.plus(ms: 120_000))
            #expect(try await store.load("no-such-incident") == nil)
        }
    }

    /// The opened index lists a policy's incidents by the instant they opened, resolved ones too,
    /// each once however often it is saved; `[from, to)`.
    @Test func theOpenedIndexListsAPolicysIncidentsByWhenTheyOpened() async throws {
        try await StoreHarness.run { h in
            let store = h.incidents
            var ids: [String] = []
            for (i, minute) in [0, 10, 20].enumerated() {
                var (incident, _) = Incident.open(policy: policy, fingerprint: "fp-\(i)", now: t0.plus(ms: Int64(minute) * 60_000))
                let record = IncidentRecord(incident: incident, alert: Fx.alert("a\(i)", fingerprint: "fp-\(i)"))
                let v = try #require(try await store.save(record, expected: 0))
                (incident, _) = transition(incident, .resolve(by: "alice", via: .cli), now: t0.plus(ms: Int64(minute + 1) * 60_000), policy: policy)
                _ = try await store.save(IncidentRecord(incident: incident, alert: record.alert), expected: v)
                ids.append(incident.id)
            }
            #expect(try await store.opened(policy: "db", from: t0, to: t0.plus(ms: 20 * 60_000)) == [ids[0], ids[1]])
            #expect(try await store.opened(policy: "db", from: t0.plus(ms: 1), to: t0.plus(ms: 60 * 60_000)) == [ids[1], ids[2]])
            #expect(try await store.opened(policy: "other", from: t0, to: t0.plus(ms: 60 * 60_000)).isEmpty)
            #expect(try await store.openIDs(policy: "db").isEmpty)
        }
    }

    @Test func aSaveAtAnOldVersionLosesAndUpdateAppliesAgainOnTheWinner() async throws {
        try await StoreHarness.run { h in
            let store = h.incidents
            let (incident, _) = Incident.open(policy: policy, fingerprint: "fp-cas", now: t0)
            let record = IncidentRecord(incident: incident, alert: Fx.alert("disk", fingerprint: "fp-cas"))
            #expect(try await store.save(record, expected: 0) == 1)
            #expect(try await store.save(record, expected: 0) == nil)  // exists already
            var a = record, b = record
            a.markApplied("a")
            b.markApplied("b")
            #expect(try await store.save(a, expected: 1) == 2)
            #expect(try await store.save(b, expected: 1) == nil)  // lost: a saved first

            // update re-reads after a lost race, so both changes survive.
            let writers = 8
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<writers {
                    group.addTask {
                        _ = try await store.update(incident.id) { r in
                            var r = r
                            r.markApplied("w\(i)")
                            return r
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try #require(try await store.load(incident.id))
            #expect(Set(stored.record.applied) == Set(["a"] + (0..<writers).map { "w\($0)" }))
            #expect(stored.version == Int64(2 + writers))
        }
    }

    @Test func aStoredIncidentThatDoesNotDecodeIsAnError() async throws {
        try await StoreHarness.run { h in
            _ = try await h.connections[0].command(["HSET", RedisKeys.incident(h.namespace, "bad"), "v", "1", "json", "{"])
            await #expect(throws: StoreError.self) { try await h.incidents.load("bad") }
        }
    }
}
