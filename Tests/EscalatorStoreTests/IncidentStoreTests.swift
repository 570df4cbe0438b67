import AlertCore
import Escalation
import EscalatorStore
import Foundation
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

    @Test func anIncidentRoundTripsAndTheOpenSetFollowsItsStatus() async throws {
        try await StoreHarness.run { h in
            let store = h.incidents
            var (incident, _) = Incident.open(policy: policy, fingerprint: "fp-1", now: t0)
            (incident, _) = transition(incident, .alertFiring, now: t0.plus(ms: 1234), policy: policy)
            (incident, _) = transition(incident, .acknowledge(by: "alice", via: .link), now: t0.plus(ms: 60_500), policy: policy)
            #expect(incident.ack != nil && incident.timer != nil)

            try await store.save(incident)
            #expect(try await store.load(incident.id) == incident)
            #expect(try await store.openIDs() == [incident.id])

            let (other, _) = Incident.open(policy: policy, fingerprint: "fp-2", now: t0)
            try await store.save(other)
            #expect(try await store.openIDs() == [incident.id, other.id].sorted())

            (incident, _) = transition(incident, .resolve(by: "alice", via: .cli), now: t0.plus(ms: 120_000), policy: policy)
            try await store.save(incident)
            #expect(try await store.load(incident.id) == incident)
            #expect(try await store.load(incident.id)?.status == .resolved)
            #expect(try await store.openIDs() == [other.id])
            #expect(try await store.load("no-such-incident") == nil)
        }
    }

    @Test func aStoredIncidentThatDoesNotDecodeIsAnError() async throws {
        try await StoreHarness.run { h in
            _ = try await h.connections[0].command(["SET", RedisKeys.incident(h.namespace, "bad"), "{"])
            await #expect(throws: StoreError.self) { try await h.incidents.load("bad") }
        }
    }
}
