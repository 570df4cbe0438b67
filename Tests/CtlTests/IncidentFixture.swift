import AlertCore
import Escalation
import EscalatorStore
import Foundation
import TestSupport
import WorkerKit

/// Policies and stored incidents for the `incident` verbs' tests, over `OnCallFixture`'s people
/// and schedules (on 2026-03-02 alice is on call for `db` 09:00–20:00 Berlin).
///
/// - `db` (Europe/Berlin): step 1 the `db` schedule, 10m; step 2 carol and dba@example.com,
///   15m; one repeat; acknowledgements expire after 1h, reminded 10m before.
/// - `web` (UTC): one step, bob, 30m.
///
/// Seeded incidents (`t0` = 2026-03-02T08:00:00Z, 09:00 in Berlin):
/// - `disk` (db): opened t0, fired again at +2m, step 2 at +10m, acknowledged by bob via link
///   at +12m.
/// - `lag` (db): opened +5m, snoozed by alice via cli at +6m until +65m.
/// - `cpu` (web): opened +30m, paging.
/// - `old` (db): opened −60m, resolved by the source's resolved alert at −30m (not in the open
///   set).
/// - `flap` (db): opened +20m; escalated, snoozed, unsnoozed by its timer, acknowledged, reminded,
///   expired, then every step and pass ran out; an unsnooze was ignored at +200m.
enum IncidentFixture {
    static let yaml = """
        \(OnCallFixture.yaml)
        escalation_policies:
          - name: db
            time_zone: Europe/Berlin
            steps:
              - {notify: {schedules: [db]}, wait: 10m}
              - {notify: {people: [carol], email: [dba@example.com]}, wait: 15m}
            repeat: 1
            ack_timeout: 1h
            ack_reminder_before: 10m
            exhausted: {email: [leads@example.com]}
          - name: web
            time_zone: UTC
            steps:
              - {notify: {people: [bob]}, wait: 30m}
            exhausted: {email: [leads@example.com]}
        """

    static let t0 = Fx.utc("2026-03-02T08:00:00Z")

    /// `t0` plus `m` minutes.
    static func at(_ m: Double) -> Date { t0.addingTimeInterval(m * 60) }

    /// The ids of the seeded incidents.
    struct Seeded {
        var disk: String
        var lag: String
        var cpu: String
        var old: String
        var flap: String
    }

    /// Builds incidents through the state machine, resolving each fired step with the roster as
    /// the escalator would, and saves them in `f`'s namespace.
    static func seed(_ f: TestNamespace) async throws -> Seeded {
        let redis = SharedRedis(f.config.redis)
        defer { redis.close() }
        let store = IncidentStore(redis: redis, namespace: f.namespace)
        let machine = Machine(config: f.config)

        var disk = machine.open("db", "fp-disk", at: at(0))
        machine.apply(&disk, .alertFiring, at: at(2))
        machine.apply(&disk, .timerDue(disk.timer!), at: at(10))
        machine.apply(&disk, .acknowledge(by: "bob", via: .link), at: at(12))

        var lag = machine.open("db", "fp-lag", at: at(5))
        machine.apply(&lag, .snooze(until: at(65), by: "alice", via: .cli), at: at(6))

        let cpu = machine.open("web", "fp-cpu", at: at(30))

        var old = machine.open("db", "fp-old", at: at(-60))
        machine.apply(&old, .alertResolved, at: at(-30))

        // Nearly every kind of timeline entry, ending with the steps run out.
        var flap = machine.open("db", "fp-flap", at: at(20))
        machine.apply(&flap, .escalateNow(by: "carol", via: .api), at: at(21))
        machine.apply(&flap, .snooze(until: at(30), by: "alice", via: .chat), at: at(22))
        machine.apply(&flap, .timerDue(flap.timer!), at: at(30))
        machine.apply(&flap, .acknowledge(by: "alice", via: .phoneKey), at: at(31))
        machine.apply(&flap, .timerDue(flap.timer!), at: at(81))
        machine.apply(&flap, .timerDue(flap.timer!), at: at(91))
        while let timer = flap.timer { machine.apply(&flap, .timerDue(timer), at: timer.at) }
        machine.apply(&flap, .unsnooze(by: "bob", via: .cli), at: at(200))

        let all = [
            (disk, "Disk full on db-1"), (lag, "Replica lag on db-2"), (cpu, "CPU hot on web-3"), (old, "Old outage"), (flap, "Flapping check"),
        ]
        for (incident, title) in all { try await save(incident, title: title, in: store) }
        return Seeded(disk: disk.id, lag: lag.id, cpu: cpu.id, old: old.id, flap: flap.id)
    }

    /// Saves `incident` as a new record with an alert titled `title`.
    static func save(_ incident: Incident, title: String, in store: IncidentStore) async throws {
        let record = IncidentRecord(incident: incident, alert: Fx.alert(title, fingerprint: incident.fingerprint))
        guard try await store.save(record, expected: 0) != nil else { throw TestFailure("incident \(incident.id) was stored already") }
    }

    /// The pure state machine with the fixture's roster, recording whom each fired step paged.
    struct Machine {
        let config: KlaxonConfig
        var roster: Roster { Roster.build(people: config.people, schedules: config.schedules) }

        func policy(_ name: String) -> EscalationPolicy { config.escalationPolicies.first { $0.name == name }! }

        func open(_ policy: String, _ fingerprint: String, at now: Date) -> Incident {
            var (incident, actions) = Incident.open(policy: self.policy(policy), fingerprint: fingerprint, now: now)
            record(actions, in: &incident, at: now)
            return incident
        }

        func apply(_ incident: inout Incident, _ event: IncidentEvent, at now: Date) {
            let actions: [IncidentAction]
            (incident, actions) = transition(incident, event, now: now, policy: policy(incident.policy))
            record(actions, in: &incident, at: now)
        }

        func record(_ actions: [IncidentAction], in incident: inout Incident, at now: Date) {
            for case .notify(let n) in actions { incident.record(StepResolver.resolve(n, roster: roster, at: now), for: n, at: now) }
        }
    }
}
