import AMQP
import AlertCore
import Ctl
import Foundation
import Testing
import TestSupport

/// Parses `--json` output: one object per line.
func jsonLines(_ out: CapturedOutput) throws -> [[String: Any]] {
    try out.lines.map { line in
        guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(line)")
        }
        return o
    }
}

@Suite struct DLQCommandTests {
    /// Seeds the email DLQ with `count` dead letters n1…nN; odd ones team=a, even team=b.
    func seed(_ fleet: TestNamespace, count: Int, reason: (Int) -> String = { _ in "permanent clientError: 550 mailbox unavailable" }) throws
        -> [String]
    {
        var ids: [String] = []
        for i in 1...count {
            let n = Sample.notification("n\(i)", labels: ["team": i % 2 == 1 ? "a" : "b"], title: "Alert \(i)")
            try fleet.publish(
                Codec.encode(n), to: fleet.emailDLQ, headers: Sample.deadLetterHeaders(queue: fleet.emailQueue, reason: reason(i)), id: n.id)
            ids.append(n.id)
        }
        return ids
    }

    @Test func peekNeitherRemovesNorReorders() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let ids = try seed(fleet, count: 6)
        let (c1, o1) = await ctl(fleet.ctlArgs("dlq", "peek", "notify.email", "--limit", "3"))
        #expect(c1 == 0, "\(o1.stderr)")
        #expect(o1.lines.count == 5, "header, 3 rows, footer: \(o1.stdout)")
        #expect(o1.lines.first?.hasPrefix("#  ID  AGE") == true)
        #expect(o1.lines.last == "3 of 6 messages in \(fleet.emailDLQ) shown; nothing was removed")
        for _ in 0..<3 {
            let (c2, o2) = await ctl(fleet.ctlArgs("dlq", "peek", fleet.emailDLQ, "--json"))
            #expect(c2 == 0)
            let rows = try jsonLines(o2)
            #expect(rows.compactMap { $0["notification_id"] as? String } == ids)
            #expect(rows.compactMap { $0["position"] as? Int } == Array(1...6))
        }
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ids)

        let (c3, o3) = await ctl(fleet.ctlArgs("dlq", "list", "--json"))
        #expect(c3 == 0, "\(o3.stderr)")
        let email = try #require(try jsonLines(o3).first { $0["queue"] as? String == fleet.emailDLQ })
        #expect(email["messages"] as? Int == 6)
        #expect((email["oldest_age_seconds"] as? Double).map { $0 < 60 } == true)
        let (c4, o4) = await ctl(fleet.ctlArgs("dlq", "list"))
        #expect(c4 == 0)
        #expect(o4.lines.first?.hasPrefix("QUEUE ") == true && o4.lines.first?.hasSuffix(" MESSAGES  OLDEST") == true, "\(o4.stdout)")
        let row = try #require(o4.lines.first { $0.hasPrefix(fleet.emailDLQ + " ") })
        let columns = row.split(separator: " ").map(String.init)
        #expect(columns.prefix(2) == [fleet.emailDLQ, "6"])
        // The age depends on how busy the machine is; its shape does not.
        #expect(columns.count == 3 && columns[2].hasSuffix("s") && Int(columns[2].dropLast()) != nil, "\(row)")
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ids, "list read the heads without moving them")
    }

    @Test func replayMovesTheSelectedAndKeepsTheRestInOrder() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let ids = try seed(fleet, count: 6) { $0 == 4 ? "transient timeout: SMTP server did not answer" : "permanent clientError: 550" }
        let original = try fleet.contents(fleet.emailDLQ)

        let (c0, o0) = await ctl(fleet.ctlArgs("dlq", "replay", "notify.email", "--match", "team=a", "--dry-run"))
        #expect(c0 == 0, "\(o0.stderr)")
        #expect(o0.lines.filter { $0.hasPrefix("would move") }.count == 3)
        #expect(o0.lines.last == "dry run: would replay 3 of 6 examined in \(fleet.emailDLQ); nothing was moved")
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ids)
        #expect(try fleet.depth(fleet.emailQueue) == 0)

        let (c1, o1) = await ctl(fleet.ctlArgs("dlq", "replay", "notify.email", "--match", "team=a", "--json", "--rate", "1000/s"))
        #expect(c1 == 0, "\(o1.stderr)")
        let rows = try jsonLines(o1)
        #expect(rows.filter { $0["action"] as? String == "moved" }.compactMap { $0["notification_id"] as? String } == ["n1", "n3", "n5"])
        let summary = try #require(rows.last)
        #expect(summary["summary"] as? Bool == true && summary["moved"] as? Int == 3 && summary["left"] as? Int == 3)
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ["n2", "n4", "n6"])
        let replayed = try fleet.contents(fleet.emailQueue)
        #expect(replayed.compactMap(\.notificationID) == ["n1", "n3", "n5"])
        // Byte for byte, same message id, attempt reset, failure headers dropped.
        let first = try #require(replayed.first)
        #expect(first.body == original[0].body)
        #expect(first.messageID == "n1")
        #expect(first.headers[Topology.Header.attempt]?.intValue == 1)
        for h in [Topology.Header.deadLetterReason, Topology.Header.lastError, Topology.Header.firstFailedAt, Topology.Header.originQueue] {
            #expect(first.headers[h] == nil, "\(h) dropped on replay")
        }

        let (c2, o2) = await ctl(fleet.ctlArgs("dlq", "replay", "notify.email", "--reason", "^transient (timeout|network)"))
        #expect(c2 == 0, "\(o2.stderr)")
        #expect(o2.lines == ["moved  n4  Alert 4  → \(fleet.emailQueue)", "replayed 1 of 3 examined in \(fleet.emailDLQ); 2 left in place"])
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ["n2", "n6"])

        let (c3, o3) = await ctl(fleet.ctlArgs("dlq", "replay", "email.dlq", "--limit", "1"))
        #expect(c3 == 4, "email.dlq is not a queue name: \(o3.stderr)")
        let (c4, _) = await ctl(fleet.ctlArgs("dlq", "replay", "\(fleet.namespace).notify.email.dlq", "--limit", "1"))
        #expect(c4 == 0)
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ["n6"])
        #expect(try fleet.depth(fleet.emailQueue) == 5)
    }

    @Test func replayKeepsAMessageItCannotRoute() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        let n = Sample.notification("n-lost")
        var headers = Sample.deadLetterHeaders(queue: fleet.emailQueue, reason: "permanent clientError: x")
        headers[Topology.Header.originRoutingKey] = .string("\(fleet.namespace).no.such.queue")
        try fleet.publish(Codec.encode(n), to: fleet.emailDLQ, headers: headers, id: n.id)
        let (code, out) = await ctl(fleet.ctlArgs("dlq", "replay", "notify.email"))
        #expect(code == 1)
        #expect(out.lines.first?.hasPrefix("failed  n-lost") == true, "\(out.stdout)")
        #expect(out.lines.first?.contains("no queue is bound") == true)
        #expect(try fleet.contents(fleet.emailDLQ).compactMap(\.notificationID) == ["n-lost"])
    }

    @Test func purgeNeedsYes() async throws {
        let fleet = try await TestNamespace()
        defer { fleet.close() }
        _ = try seed(fleet, count: 2)
        let (c1, o1) = await ctl(fleet.ctlArgs("dlq", "purge", "notify.email"))
        #expect(c1 == 2)
        #expect(o1.stderr.contains("Run again with --yes"))
        #expect(try fleet.depth(fleet.emailDLQ) == 2)
        let (c2, o2) = await ctl(fleet.ctlArgs("dlq", "purge", "notify.email", "--yes", "--json"))
        #expect(c2 == 0, "\(o2.stderr)")
        #expect(try jsonLines(o2).first?["purged"] as? Int == 2)
        #expect(try fleet.depth(fleet.emailDLQ) == 0)
    }

    @Test func exitCodes() async throws {
        let fleet = try await TestNamespace(declare: false)
        defer { fleet.close() }
        // Queue not found: not a DLQ of the namespace, or not declared on the broker.
        let (c1, o1) = await ctl(fleet.ctlArgs("dlq", "peek", "notify.pager"))
        #expect(c1 == 4)
        #expect(o1.stderr.contains("not a dead-letter queue of namespace \(fleet.namespace)"))
        let (c2, o2) = await ctl(fleet.ctlArgs("dlq", "peek", "notify.email"))
        #expect(c2 == 4)
        #expect(o2.stderr.contains("queue \(fleet.emailDLQ) does not exist"))
        let (c3, o3) = await ctl(fleet.ctlArgs("dlq", "list"))
        #expect(c3 == 4)
        #expect(o3.stderr.contains("no dead-letter queue of namespace"))
        #expect(o3.lines.contains { $0.hasPrefix(fleet.emailDLQ) && $0.contains("missing") })

        // Broker unreachable.
        let down = fleet.directory.appendingPathComponent("down.yaml").path
        try "broker: {url: 'amqp://guest:guest@127.0.0.1:1/'}\n".write(toFile: down, atomically: true, encoding: .utf8)
        for verb in [["list"], ["peek", "notify.email"], ["replay", "notify.email"], ["purge", "notify.email", "--yes"]] {
            let (c, o) = await ctl(["dlq"] + verb + ["--config", down])
            #expect(c == 3, "\(verb)")
            #expect(o.stderr.contains("cannot reach the broker at amqp://guest@127.0.0.1:1/"), "\(o.stderr)")
        }

        // Usage.
        for args in [
            [], ["frobnicate"], ["dlq"], ["dlq", "peek"], ["dlq", "peek", "notify.email", "--limit", "0"],
            ["dlq", "replay", "notify.email", "--rate", "fast"], ["dlq", "replay", "notify.email", "--match", "team"],
            ["dlq", "replay", "notify.email", "--reason", "("], ["dlq", "list", "--bogus"],
        ] {
            let (c, o) = await ctl(args.count > 1 ? args + ["--config", fleet.configPath] : args)
            #expect(c == 2, "\(args): \(o.stderr)")
            #expect(!o.stderr.isEmpty)
        }
        let (c4, o4) = await ctl(["dlq", "list"])
        #expect(c4 == 2)
        #expect(o4.stderr.contains("no config"))
        let (c5, o5) = await ctl(["dlq", "list"], environment: ["KLAXON_CONFIG": down])
        #expect(c5 == 3, "KLAXON_CONFIG is read: \(o5.stderr)")
        let (c6, o6) = await ctl(["help"])
        #expect(c6 == 0 && o6.stdout.contains("exit codes"))
    }
}
