import AMQP
import AlertCore
import Ctl
import Escalation
import EscalatorStore
import Foundation
import TestSupport
import Testing
import WorkerKit

/// `klaxonctl incident ack|resolve|escalate|snooze` against the real Redis and RabbitMQ: what
/// each publishes on the escalation queue (read back with basic.get), and what it refuses.
@Suite struct IncidentActionTests {
    func fleet(declare: Bool = true) async throws -> TestNamespace {
        try await TestNamespace(declare: declare, extraYAML: IncidentFixture.yaml)
    }

    /// Every message on the escalation queue now, decoded (taken off the queue).
    func commands(_ f: TestNamespace) throws -> [(delivery: AMQP.Delivery, command: IncidentCommand)] {
        try TestEnvironment.drain(f.conn, f.topology.commandQueue).map { d in
            let m = try Codec.decode(EscalatorMessage.self, from: d.body)
            guard m.type == .command, let c = m.command else { throw TestFailure("not a command: \(String(decoding: d.body, as: UTF8.self))") }
            return (d, c)
        }
    }

    @Test func eachActionPublishesOneCommandAndSaysWhatItRequested() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)
        var seen: Set<String> = []

        let before = Date()
        let ack = await ctl(f.ctlArgs("incident", "ack", ids.disk, "--as", "alice"), environment: ["USER": "root"])
        #expect(ack.code == 0, "\(ack.out.stderr)")
        #expect(ack.out.lines == ["acknowledge requested for incident \(ids.disk) by alice; the escalator applies it"])
        let acks = try commands(f)
        #expect(acks.count == 1)
        let a = try #require(acks.first)
        #expect(a.command.incidentID == ids.disk && a.command.action == .acknowledge && a.command.by == "alice" && a.command.via == .cli)
        #expect(a.command.until == nil)
        #expect(a.command.at >= before.addingTimeInterval(-1) && a.command.at <= Date())
        #expect(a.delivery.messageID == a.command.id, "the broker's message id is the command's id")
        #expect(a.delivery.routingKey == f.topology.commandQueue)
        seen.insert(a.command.id)

        // by: $USER without --as; "cli" without either. A unique prefix names the incident.
        let resolve = await ctl(f.ctlArgs("incident", "resolve", String(ids.cpu.prefix(5))), environment: ["USER": "dana"])
        #expect(resolve.code == 0, "\(resolve.out.stderr)")
        #expect(resolve.out.lines == ["resolve requested for incident \(ids.cpu) by dana; the escalator applies it"])
        let resolves = try commands(f)
        #expect(resolves.map(\.command.action) == [.resolve] && resolves.map(\.command.by) == ["dana"])
        #expect(resolves.map(\.command.incidentID) == [ids.cpu])
        seen.formUnion(resolves.map(\.command.id))

        let escalate = await ctl(f.ctlArgs("incident", "escalate", ids.lag))
        #expect(escalate.code == 0, "\(escalate.out.stderr)")
        let escalations = try commands(f)
        #expect(escalations.map(\.command.action) == [.escalate] && escalations.map(\.command.by) == ["cli"])
        seen.formUnion(escalations.map(\.command.id))

        let root = await ctl(f.ctlArgs("incident", "ack", ids.lag), environment: ["USER": "root"])
        #expect(root.code == 0, "\(root.out.stderr)")
        #expect(
            root.out.stderr == "klaxonctl: note: root is not a person in \(f.configPath); --as PERSON names who acknowledges (reminders go to them)\n"
        )
        let rootAcks = try commands(f)
        #expect(rootAcks.map(\.command.by) == ["root"] && rootAcks.map(\.command.action) == [.acknowledge])
        seen.formUnion(rootAcks.map(\.command.id))

        let t = Date()
        let snooze = await ctl(f.ctlArgs("incident", "snooze", ids.flap, "2h30m", "--as", "carol", "--json"))
        #expect(snooze.code == 0, "\(snooze.out.stderr)")
        let snoozes = try commands(f)
        #expect(snoozes.count == 1)
        let s = try #require(snoozes.first)
        #expect(s.command.action == .snooze && s.command.by == "carol" && s.command.incidentID == ids.flap)
        let until = try #require(s.command.until)
        #expect(until.timeIntervalSince(s.command.at) == 9000, "2h30m after the request")
        #expect(s.command.at >= t.addingTimeInterval(-1) && s.command.at <= Date())
        let o = try #require(try jsonLines(snooze.out).first)
        #expect(o["command_id"] as? String == s.command.id && o["incident"] as? String == ids.flap)
        #expect(o["action"] as? String == "snooze" && o["by"] as? String == "carol" && o["via"] as? String == "cli")
        #expect(o["until"] as? String == Timestamps.format(until))
        #expect(o["applied"] == nil, "not waited for")
        seen.insert(s.command.id)

        #expect(seen.count == 5, "every command has a fresh id")
        #expect(seen.allSatisfy { $0.hasPrefix("cli-") })
        #expect(try f.depth(f.topology.commandQueue) == 0)
    }

    @Test func refusalsNameTheProblemAndPublishNothing() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)

        let unknown = await ctl(f.ctlArgs("incident", "ack", "0123456789abcdef"))
        #expect(unknown.code == 4)
        #expect(unknown.out.stderr.hasPrefix("klaxonctl: no incident with id 0123456789abcdef"), "\(unknown.out.stderr)")

        let resolved = await ctl(f.ctlArgs("incident", "ack", ids.old))
        #expect(resolved.code == 6)
        #expect(
            resolved.out.stderr
                == "klaxonctl: incident \(ids.old) is already resolved by the source's resolved alert at 2026-03-02T07:30:00Z (2026-03-02T08:30:00+01:00); nothing to ack\n"
        )
        #expect(await ctl(f.ctlArgs("incident", "snooze", ids.old, "1h")).code == 6)
        #expect(await ctl(f.ctlArgs("incident", "resolve", ids.old)).code == 6)

        let usage: [([String], String)] = [
            (["snooze", ids.lag, "soon"], "klaxonctl: DURATION: expected a duration such as 30m, 1h or 2h30m, got \"soon\"\n"),
            (
                ["snooze", ids.lag, "30s"],
                "klaxonctl: DURATION: a snooze lasts from 1m to 7d, got 30s (resolve the incident instead of a longer snooze)\n"
            ),
            (
                ["snooze", ids.lag, "30d"],
                "klaxonctl: DURATION: a snooze lasts from 1m to 7d, got 30d (resolve the incident instead of a longer snooze)\n"
            ),
            (["snooze", ids.lag], "klaxonctl: incident snooze: give ID and DURATION (e.g. incident snooze 3f2a9c01 30m)\n"),
            (["ack"], "klaxonctl: incident ack: give one ID\n"),
            (["escalate", ids.lag, "now"], "klaxonctl: incident escalate: give one ID\n"),
            (["ack", ids.lag, "--as", "mallory"], "klaxonctl: --as: no person \"mallory\" in \(f.configPath) (people: alice, bob, carol)\n"),
            (["ack", ids.lag, "--timeout", "5s"], "klaxonctl: --timeout: only with --wait\n"),
            (
                ["ack", ids.lag, "--wait", "--timeout", "soon"],
                "klaxonctl: --timeout: expected a duration of at least 1s such as 30s or 2m, got \"soon\"\n"
            ),
            (["ack", ids.lag, "--until", "1h"], "klaxonctl: unknown option --until\nrun klaxonctl help for usage\n"),
        ]
        for (args, message) in usage {
            let r = await ctl(["incident"] + args + ["--config", f.configPath])
            #expect(r.code == 2, "\(args)")
            #expect(r.out.stderr == message, "\(args)")
        }
        #expect(try f.depth(f.topology.commandQueue) == 0, "nothing was published")
    }

    @Test func waitReturnsOnceTheEscalatorAppliedTheCommand() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)
        let redis = SharedRedis(f.config.redis)
        defer { redis.close() }
        let store = IncidentStore(redis: redis, namespace: f.namespace)
        let machine = IncidentFixture.Machine(config: f.config)

        async let waited = ctl(f.ctlArgs("incident", "ack", ids.lag, "--as", "bob", "--wait", "--timeout", "20s"))
        // The escalator's part: take the command, apply it, remember its id.
        let got = try await TestEnvironment.waitForMessages(f.conn, f.topology.commandQueue, count: 1)
        let message = try Codec.decode(EscalatorMessage.self, from: try #require(got.first).body)
        let command = try #require(message.command)
        let appliedAt = Date()
        let saved = try await store.update(ids.lag) { r in
            var r = r
            machine.apply(&r.incident, try command.event.get(), at: appliedAt)
            r.markApplied(command.id)
            return r
        }
        #expect(saved?.incident.status == .acknowledged)
        let r = await waited
        #expect(r.code == 0, "\(r.out.stderr)")
        #expect(r.out.lines.count == 2)
        #expect(r.out.lines.first == "acknowledge requested for incident \(ids.lag) by bob; the escalator applies it")
        #expect(r.out.lines.last?.hasPrefix("applied: incident \(ids.lag) is now acknowledged by bob via cli at ") == true, "\(r.out.stdout)")

        // The source resolved the incident first: the escalator ignores the command but marks it
        // applied, and --wait reports the state it finds.
        async let late = ctl(f.ctlArgs("incident", "escalate", ids.cpu, "--wait", "--timeout", "20s"))
        let next = try await TestEnvironment.waitForMessages(f.conn, f.topology.commandQueue, count: 1)
        let body = try #require(next.first).body
        let escalate = try #require(try Codec.decode(EscalatorMessage.self, from: body).command)
        _ = try await store.update(ids.cpu) { r in
            var r = r
            machine.apply(&r.incident, .alertResolved, at: appliedAt)
            machine.apply(&r.incident, try escalate.event.get(), at: appliedAt)
            r.markApplied(escalate.id)
            return r
        }
        let l = await late
        #expect(l.code == 0, "\(l.out.stderr)")
        #expect(
            l.out.lines.last?.hasPrefix("applied: incident \(ids.cpu) is now resolved by the source's resolved alert at ") == true, "\(l.out.stdout)")
    }

    @Test func waitGivesUpAfterItsTimeoutAndTheCommandStaysQueued() async throws {
        let f = try await fleet()
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)
        let start = Date()
        let r = await ctl(f.ctlArgs("incident", "escalate", ids.disk, "--wait", "--timeout", "1s", "--json"))
        #expect(r.code == 1)
        #expect(Date().timeIntervalSince(start) >= 1)
        #expect(r.out.stderr.contains("the escalator has not applied it within 1s (is klaxon-escalator running?)"), "\(r.out.stderr)")
        let o = try #require(try jsonLines(r.out).first)
        #expect(o["applied"] as? Bool == false)
        #expect(try commands(f).map(\.command.action) == [.escalate])
    }

    @Test func anUnreachableBrokerOrAMissingQueueIsSaidAndExitsAsTheOtherVerbs() async throws {
        let f = try await fleet(declare: false)
        defer { f.close() }
        let ids = try await IncidentFixture.seed(f)
        let noExchange = await ctl(f.ctlArgs("incident", "ack", ids.disk))
        #expect(noExchange.code == 1)
        #expect(
            noExchange.out.stderr.hasPrefix("klaxonctl: nothing requested: no exchange \(f.topology.exchange) on the broker"),
            "\(noExchange.out.stderr)")
        try f.conn.declareExchange(f.topology.exchange)
        let noQueue = await ctl(f.ctlArgs("incident", "ack", ids.disk))
        #expect(noQueue.code == 1)
        #expect(
            noQueue.out.stderr.hasPrefix("klaxonctl: nothing requested: no queue \(f.topology.commandQueue) on the broker"),
            "\(noQueue.out.stderr)")
        #expect(noQueue.out.stdout.isEmpty)

        let yaml = try String(contentsOfFile: f.configPath, encoding: .utf8)
            .replacingOccurrences(of: "url: \(TestEnvironment.amqpURL)", with: "url: amqp://guest:guest@127.0.0.1:1/")
        let path = f.directory.appendingPathComponent("no-broker.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        let down = await ctl(["incident", "resolve", ids.disk, "--config", path])
        #expect(down.code == 3)
        #expect(down.out.stderr.hasPrefix("klaxonctl: cannot reach the broker at amqp://guest@127.0.0.1:1/"), "\(down.out.stderr)")
    }
}
