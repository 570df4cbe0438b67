import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import OnCall
import Redis
import ShiftPlan
import TestSupport
import Testing
import TimeKit
import WorkerKit
import YAMLConfig

/// `klaxon-shift` (the real binary) against the real broker and Redis: schedules of fixed
/// shifts a few seconds from now, the announcements read off `notify.email`.
@Suite(.serialized) struct ShiftWorkerTests {
    /// One schedule per `(name, [(person, start, end)])`, each announced to team@example.com.
    /// `confirm`: schedule name → its `confirm_policy`; `extra`: more top-level YAML.
    static func yaml(
        _ ns: String, _ schedules: [(String, [(String, Date, Date)])], grace: String = "1m", confirm: [String: String] = [:], extra: String = ""
    ) -> String {
        let list = schedules.map { name, shifts in
            """
              - name: \(name)
                time_zone: Europe/Berlin
                layers:
                  - name: fixed
                    shifts:
            \(shifts.map { "          - {person: \($0.0), start: \"\(RFC3339Time.utcString($0.1))\", end: \"\(RFC3339Time.utcString($0.2))\"}" }.joined(separator: "\n"))
                announce:
                  team: {email: [team@example.com]}
                  grace: \(grace)\(confirm[name].map { "\n      confirm_policy: \($0)" } ?? "")
            """
        }
        return TestEnvironment.configYAML(
            namespace: ns,
            extra: """
                people:
                  - {id: alice, name: Alice, email: alice@example.com, contact_rules: {default: [email]}}
                  - {id: bob, name: Bob, email: bob@example.com, contact_rules: {default: [email]}}
                schedules:
                \(list.joined(separator: "\n"))
                \(extra)
                """)
    }

    struct Harness {
        let config: KlaxonConfig
        let conn: AMQPConnection
        let path: String
        let queue: String

        init(_ schedules: [(String, [(String, Date, Date)])], grace: String = "1m", confirm: [String: String] = [:], extra: String = "") throws {
            try TestEnvironment.requireServers()
            let ns = TestEnvironment.namespace()
            let text = ShiftWorkerTests.yaml(ns, schedules, grace: grace, confirm: confirm, extra: extra)
            config = try ConfigLoader.parse(text, environment: ["TEST_TOKEN": TestEnvironment.token])
            conn = try TestEnvironment.broker()
            try BrokerTopology(config: config).declare(on: conn)
            path = try TestEnvironment.temporaryDirectory("shift").appendingPathComponent("klaxon.yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            queue = Topology(namespace: ns).notifyQueue(.email)
        }

        func start() async throws -> (ChildProcess, Int) {
            let port = freePort()
            let p = try ChildProcess(
                try TestEnvironment.binary("klaxon-shift"), ["--config", path, "--health-listen", "127.0.0.1:\(port)"],
                environment: ["TEST_TOKEN": TestEnvironment.token])
            try await waitFor("klaxon-shift ready on \(port)", seconds: 30) {
                (try? await http("GET", "http://127.0.0.1:\(port)/readyz").status) == 200
            }
            return (p, port)
        }

        /// Everything on notify.email after `seconds`.
        func emails(after seconds: Double) async throws -> [AlertNotification] {
            try await Task.sleep(for: .seconds(seconds))
            nonisolated(unsafe) let conn = self.conn
            let queue = self.queue
            return try await blocking { try TestEnvironment.drain(conn, queue) }.map { try Codec.decode(AlertNotification.self, from: $0.body) }
        }

        func cleanUp() {
            TestEnvironment.removeTopology(config)
            if let redis = try? TestEnvironment.redis(), case .array(let keys)? = try? redis.command(["KEYS", "\(config.broker.namespace):*"]) {
                for k in keys.compactMap(\.string) { _ = try? redis.command(["DEL", k]) }
            }
        }
    }

    static func metric(_ port: Int, _ series: String) async throws -> Double {
        let text = String(decoding: try await http("GET", "http://127.0.0.1:\(port)/metrics").body, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") { return Double(line.split(separator: " ").last ?? "") ?? 0 }
        return 0
    }

    /// Alice then Bob hand over within seconds; two replicas publish each announcement once.
    @Test func twoReplicasAnnounceEachBoundaryOnce() async throws {
        let t0 = Date().addingTimeInterval(6).rounded()
        let h = try Harness([("hand", [("alice", t0, t0 + 3), ("bob", t0 + 3, t0 + 6)])])
        defer { h.cleanUp() }
        let (a, _) = try await h.start()
        let (b, _) = try await h.start()
        defer { a.kill(); b.kill() }
        let got = try await h.emails(after: max(0, t0.timeIntervalSinceNow) + 9)
        let seen = got.map {
            "\($0.incident!.kind) \($0.recipients[0]) +\(Int(RFC3339Time($0.alert.startsAt)!.instant.timeIntervalSince(t0).rounded()))"
        }
        #expect(
            seen.sorted() == [
                "handover team@example.com +0", "handover team@example.com +3", "handover team@example.com +6",
                "shift_end alice@example.com +3", "shift_end bob@example.com +6",
                "shift_start alice@example.com +0", "shift_start bob@example.com +3",
            ], "\(a.log)\n\(b.log)")
        #expect(Set(got.map(\.id)).count == got.count)
        #expect(got.allSatisfy { !$0.incident!.text.hasPrefix("(Late") })
        await a.stop()
        await b.stop()
        #expect(a.terminationStatus == 0 && b.terminationStatus == 0, "SIGTERM: a clean exit")
    }

    /// A replica killed at the boundary loses nothing and doubles nothing: one replica is
    /// SIGKILLed at the boundary and restarted, and the shift start was already claimed by a
    /// replica that died before publishing it (a lease left behind); every announcement still
    /// arrives, each id once, the orphaned one after its lease ran out.
    @Test func aReplicaKilledAtTheBoundaryLosesNothing() async throws {
        let t0 = Date().addingTimeInterval(6).rounded()
        let h = try Harness([("k", [("alice", t0, t0 + 3600)])])
        defer { h.cleanUp() }
        let roster = Roster.build(people: h.config.people, schedules: h.config.schedules)
        let s = try #require(h.config.schedules.first)
        let expected = ShiftPlanner(roster: roster, schedule: roster.schedules["k"]!, settings: s.announce!)
            .announcements(from: t0 - 1, to: t0)
        #expect(Set(expected.map { "\($0.kind.rawValue) \($0.recipient)" }) == ["shift_start alice@example.com", "handover team@example.com"])
        let start = try #require(expected.first { $0.kind == .start })
        let redis = SharedRedis(h.config.redis)
        defer { redis.close() }
        let orphanUntil = t0 + 4
        let leaseMillis = Int((orphanUntil.timeIntervalSinceNow * 1000).rounded())
        #expect(
            try await redis.command(["SET", RedisKeys.shiftClaim(h.config.broker.namespace, start.id), "dead-replica", "PX", String(leaseMillis)])
                == .status("OK"))

        let (a, _) = try await h.start()
        let (b, _) = try await h.start()
        defer { a.kill(); b.kill() }
        try await Task.sleep(for: .seconds(max(0, t0.timeIntervalSinceNow)))
        a.signal(SIGKILL)
        let (again, _) = try await h.start()
        defer { again.kill() }
        var got: [AlertNotification] = []
        try await waitFor("both announcements", seconds: 30) {
            got += (try? await h.emails(after: 0.5)) ?? []
            return Set(got.map(\.id)) == Set(expected.map(\.id))
        }
        #expect(Set(got.map(\.id)) == Set(expected.map(\.id)), "\(a.log)\n\(b.log)\n\(again.log)")
        // The orphaned start waited for its lease; a second copy can only carry the same id
        // (the channel worker delivers an id once).
        #expect(Date() >= orphanUntil)
        #expect(Set(got.map(\.id)).count == Set(expected.map(\.id)).count)
        await b.stop()
        await again.stop()
    }

    /// A roster change made while no replica ran (an override added between two runs) is told
    /// when one starts again: the fleet's last view of the timeline is kept in Redis.
    @Test func aRosterChangeMadeWhileNoReplicaRanIsTold() async throws {
        let now = Date().rounded()
        let h = try Harness([("r", [("alice", now - 3600, now + 7200)])])
        defer { h.cleanUp() }
        let (first, _) = try await h.start()
        defer { first.kill() }
        _ = try await h.emails(after: 2)  // its view is stored; the late start/hand-over are skipped
        await first.stop()

        let add = try ChildProcess(
            try TestEnvironment.binary("klaxonctl"),
            [
                "oncall", "override", "add", "r", "--person", "bob", "--covering", "alice", "--from", RFC3339Time.utcString(now + 1800), "--to",
                RFC3339Time.utcString(now + 3600), "--config", h.path,
            ], environment: ["TEST_TOKEN": TestEnvironment.token])
        await add.wait()
        #expect(add.terminationStatus == 0, "\(add.log)")

        let (second, _) = try await h.start()
        defer { second.kill() }
        var got: [AlertNotification] = []
        try await waitFor("the roster change told to alice and bob", seconds: 15) {
            got += (try? await h.emails(after: 0.5)) ?? []
            return Set(got.filter { $0.incident?.kind == "roster_change" }.map { $0.recipients[0] }) == ["alice@example.com", "bob@example.com"]
        }
        let bob = try #require(got.first { $0.recipients == ["bob@example.com"] })
        #expect(bob.incident!.text.hasPrefix("Your on-call shifts for r changed: you are now on call "), "\(bob.incident!.text)")
        await second.stop()
    }

    /// The team's hand-over says which incidents of the policies paging the schedule are still
    /// open, and what paged since the previous hand-over (read from the escalator's store).
    @Test func theHandoverSummarisesOpenIncidentsAndTheEndedShift() async throws {
        let t0 = Date().addingTimeInterval(4).rounded()
        let h = try Harness(
            [("db", [("alice", t0 - 3600, t0), ("bob", t0, t0 + 3600)])],
            extra: """
                escalation_policies:
                  - name: dbpage
                    steps:
                      - notify: {schedules: [db]}
                        wait: 5m
                    exhausted: {email: [team@example.com]}
                """)
        defer { h.cleanUp() }
        let policy = try #require(h.config.escalationPolicies.first)
        let redis = SharedRedis(h.config.redis)
        defer { redis.close() }
        let store = IncidentStore(redis: redis, namespace: h.config.broker.namespace)
        func save(_ title: String, openedAt: Date, repeats: Int = 0, then event: IncidentEvent? = nil) async throws {
            var (i, _) = Incident.open(policy: policy, fingerprint: title, now: openedAt)
            for k in 0..<repeats { (i, _) = transition(i, .alertFiring, now: openedAt + Double(k + 1), policy: policy) }
            if let event { (i, _) = transition(i, event, now: openedAt + 60, policy: policy) }
            _ = try await store.save(IncidentRecord(incident: i, alert: Fx.alert(title, fingerprint: title)), expected: 0)
        }
        try await save("Disk full", openedAt: t0 - 1800, repeats: 4, then: .acknowledge(by: "alice", via: .link))
        try await save("CPU high", openedAt: t0 - 600, then: .resolve(by: "alice", via: .cli))
        try await save("Before the shift", openedAt: t0 - 7200, then: .resolve(by: "bob", via: .cli))
        let (p, _) = try await h.start()
        defer { p.kill() }
        let got = try await h.emails(after: max(0, t0.timeIntervalSinceNow) + 3)
        let team = try #require(got.first { $0.incident?.kind == "handover" }, "\(p.log)")
        // The first line is the note; the rest is the message, so no robot reads it twice.
        let lines = [team.incident!.text] + team.alert.message.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(team.incident!.text)\n\(team.alert.message)")
        #expect(lines[0] == "Now on call for db: Bob until \(Self.berlin(t0 + 3600)). Off call: Alice.")
        #expect(lines[1] == "Open incidents: 1: Disk full (acknowledged by Alice, since \(Self.berlin(t0 - 1800))).")
        #expect(
            lines[2] == "Last shift (\(Self.berlin(t0 - 3600)) – \(Self.berlin(t0))): 2 incidents; noisiest: Disk full ×5, CPU high ×1.")
        await p.stop()
    }

    /// Confirmed shifts with the real escalator: alice's shift start pages her through the
    /// confirm policy and her acknowledgement ends it (resolved, nobody else paged); bob does
    /// not answer, so the policy's next step pages the lead.
    @Test func aConfirmedShiftIsAcknowledgedOrEscalates() async throws {
        let t0 = Date().addingTimeInterval(5).rounded()
        let policies = ["a", "b"].map { name in
            """
              - name: confirm-\(name)
                steps:
                  - {notify: {schedules: [\(name)]}, wait: 3s}
                  - {notify: {email: [lead@example.com]}, wait: 1h}
                resolve_on_acknowledge: true
                exhausted: {email: [lead@example.com]}
            """
        }
        let h = try Harness(
            [("a", [("alice", t0, t0 + 3600)]), ("b", [("bob", t0, t0 + 3600)])], confirm: ["a": "confirm-a", "b": "confirm-b"],
            extra: "escalation_policies:\n" + policies.joined(separator: "\n"))
        defer { h.cleanUp() }

        let (shift, _) = try await h.start()
        defer { shift.kill() }
        let port = freePort()
        let escalator = try ChildProcess(
            try TestEnvironment.binary("klaxon-escalator"), ["--config", h.path, "--health-listen", "127.0.0.1:\(port)"],
            environment: ["TEST_TOKEN": TestEnvironment.token])
        defer { escalator.kill() }

        // The escalator pages alice and bob (step 1: whoever is on call for a, b).
        var seen: [AlertNotification] = []
        try await waitFor("both confirmation pages", seconds: max(0, t0.timeIntervalSinceNow) + 20) {
            seen += (try? await h.emails(after: 0.2)) ?? []
            return seen.filter { $0.alert.title.hasPrefix("Confirm your on-call shift") }.count >= 2
        }
        let pages = seen.filter { $0.alert.title.hasPrefix("Confirm your on-call shift") }
        #expect(Set(pages.map { $0.recipients[0] }) == ["alice@example.com", "bob@example.com"], "\(shift.log)\n\(escalator.log)")
        let alicePage = try #require(pages.first { $0.recipients == ["alice@example.com"] })
        let incident = try #require(alicePage.incident?.id)
        #expect(alicePage.alert.message.hasPrefix("Alice is on call for a from "))

        // Alice acknowledges: resolved at once; bob does not: the lead is paged after 3 s.
        let ack = IncidentCommand(id: "confirm-ack", incidentID: incident, action: .acknowledge, by: "alice", via: .link, at: Date())
        try h.conn.publish(OutboundMessage(EscalatorMessage.command(ack), topology: Topology(namespace: h.config.broker.namespace)))
        try await waitFor("the lead paged for bob's unconfirmed shift", seconds: 20) {
            seen += (try? await h.emails(after: 0.2)) ?? []
            return seen.contains { $0.recipients == ["lead@example.com"] && $0.alert.labels["person"] == "bob" && $0.incident?.kind != "resolved" }
        }
        let redis = SharedRedis(h.config.redis)
        defer { redis.close() }
        let store = IncidentStore(redis: redis, namespace: h.config.broker.namespace)
        let stored = try #require(try await store.load(incident)?.record.incident)
        #expect(stored.status == .resolved && stored.ack?.by == "alice")
        #expect(!seen.contains { $0.recipients == ["lead@example.com"] && $0.alert.labels["person"] == "alice" && $0.incident?.kind == "triggered" })
        await escalator.stop()
        await shift.stop()
    }

    /// `Mon 2026-03-30 09:00 CEST`: how the hand-over writes a time in the schedule's zone.
    static func berlin(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Europe/Berlin")
        f.dateFormat = "EEE yyyy-MM-dd HH:mm"
        let offset = TimeZone(identifier: "Europe/Berlin")!.secondsFromGMT(for: d)
        return f.string(from: d) + (offset == 7200 ? " CEST" : " CET")
    }

    /// A replica started 45 s after a boundary announces it, late; one started 3 min after
    /// (grace 1 min) skips it and counts it.
    @Test func lateReplicaWithinAndOutsideGrace() async throws {
        let now = Date().rounded()
        let h = try Harness([("recent", [("alice", now - 45, now + 3600)]), ("old", [("bob", now - 180, now + 3600)])])
        defer { h.cleanUp() }
        let (p, port) = try await h.start()
        defer { p.kill() }
        let got = try await h.emails(after: 3)
        #expect(
            Set(got.map { "\($0.alert.labels["schedule"]!) \($0.incident!.kind) \($0.recipients[0])" }) == [
                "recent shift_start alice@example.com", "recent handover team@example.com",
            ], "\(p.log)")
        #expect(got.count == 2)
        #expect(got.allSatisfy { $0.incident!.text.hasPrefix("(Late: due ") })
        #expect(try await Self.metric(port, "klaxon_shift_skipped_total{kind=\"shift_start\"}") == 1)
        #expect(try await Self.metric(port, "klaxon_shift_skipped_total{kind=\"handover\"}") == 1)
        // A restart publishes nothing again and counts no skip twice.
        await p.stop()
        let (q, port2) = try await h.start()
        defer { q.kill() }
        #expect(try await h.emails(after: 3).isEmpty)
        #expect(try await Self.metric(port2, "klaxon_shift_skipped_total{kind=\"shift_start\"}") == 0)
        await q.stop()
    }
}

extension Date {
    /// This instant to the whole second.
    fileprivate func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded()) }
}
