import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import IncidentLinks
import TestSupport
import Testing

/// `klaxon-escalator` against the real RabbitMQ and Redis: an alert for a policy climbs its
/// steps until someone acknowledges; repeats attach; the source's resolution ends it.
@Suite(.serialized) struct EscalationEndToEndTests {
    @Test func anAlertClimbsStepByStepThenTheTeamIsToldNobodyAcknowledged() async throws {
        let h = try EscalatorHarness()
        defer { h.cleanUp() }
        let escalator = try await h.start()
        try h.send(.alert(Fx.alert("disk full"), policy: "db"))

        let first = try await h.emails(count: 1)
        #expect(first.recipients == ["alice@example.com"])
        let note = try #require(first.first?.incident)
        #expect(note.kind == "page" && note.text.hasPrefix("Step 1 of 2"))
        // The page carries a signed link to the incident that the gateway will accept.
        let link = try #require(note.link.flatMap { URLComponents(string: $0) })
        #expect(link.host == "klaxon.example.com" && link.path == "/incidents/\(note.id)")
        let query = Dictionary(uniqueKeysWithValues: (link.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        let verified = IncidentLink.verify(incidentID: note.id, query: query, secret: EscalatorHarness.linkSecret, now: Date())
        #expect((try? verified.get())?.person == "alice")

        let second = try await h.emails(count: 1)
        #expect(second.recipients == ["bob@example.com"])
        #expect(second.first?.incident?.text.hasPrefix("Step 2 of 2") == true)
        let exhausted = try await h.emails(count: 1)
        #expect(exhausted.recipients == ["team@example.com"])
        #expect(exhausted.first?.incident?.kind == "exhausted")

        let record = try #require(try await h.incident("fp-disk full"))
        #expect(record.incident.status == .triggered && record.incident.exhaustedNotified)
        #expect(record.outbox.isEmpty)
        #expect(try await escalator.metric("klaxon_escalator_steps_fired_total", ["policy": "db"]) == 2)
        #expect(try await escalator.metric("klaxon_escalator_timers_fired_total") >= 2)
        #expect(await escalator.stop(), "\(escalator.log)")
    }

    @Test func acknowledgingStopsTheClimbAndTellsThoseConcerned() async throws {
        let h = try EscalatorHarness(wait: "\(Int(EscalatorHarness.answeredStepWait))s")  // time for a loaded machine to answer the page
        defer { h.cleanUp() }
        let escalator = try await h.start()
        let sent = Date()
        try h.send(.alert(Fx.alert("cpu"), policy: "db"))
        let page = try await h.emails(count: 1)
        let id = try #require(page.first?.incident?.id)

        let ack = IncidentCommand(id: "cmd-1", incidentID: id, action: .acknowledge, by: "alice", via: .link, at: Date())
        try h.send(.command(ack))
        try h.send(.command(ack))  // a double click: applied once
        let told = try await h.emails(count: 2)
        #expect(Set(told.recipients) == ["team@example.com", "alice@example.com"])
        #expect(told.allSatisfy { $0.incident?.kind == "acknowledged" })
        // Past the step's wait: nobody else is paged.
        let later = try await h.emails(until: EscalatorHarness.answeredStepWait + 3, after: sent)
        #expect(later.isEmpty, "paged after an acknowledgement: \(later.recipients)")
        let record = try #require(try await h.incident("fp-cpu"))
        #expect(record.incident.status == .acknowledged && record.incident.ack?.by == "alice" && record.incident.ack?.via == .link)
        #expect(record.incident.timeline.filter { if case .acknowledged = $0.what { true } else { false } }.count == 1)
        #expect(try await escalator.metric("klaxon_escalator_acknowledgements_total", ["path": "link"]) == 1)
        #expect(await escalator.stop(), "\(escalator.log)")
    }

    @Test func repeatsAttachAndTheSourcesResolutionTellsEveryonePaged() async throws {
        let h = try EscalatorHarness(wait: "30s")
        defer { h.cleanUp() }
        let escalator = try await h.start()
        let firing = Fx.alert("mem")
        try h.send(.alert(firing, policy: "db"))
        _ = try await h.emails(count: 1)
        try h.send(.alert(Fx.alert("mem"), policy: "db"))
        try h.send(.alert(Fx.alert("mem"), policy: "db"))
        try h.send(.alert(firing, policy: "db"))  // redelivered original: not a repeat
        try await waitFor(seconds: 10) { try await h.incident("fp-mem")?.incident.repeats == 2 }
        #expect(try await h.emails(count: 1, seconds: 0.5).isEmpty, "a repeat paged")

        try h.send(.alert(Fx.alert("mem", status: .resolved), policy: "db"))
        let told = try await h.emails(count: 2)
        #expect(Set(told.recipients) == ["team@example.com", "alice@example.com"])
        #expect(told.allSatisfy { $0.incident?.kind == "resolved" && $0.incident?.link == nil })
        try await waitFor(seconds: 10) { try await h.incident("fp-mem")?.incident.status == .resolved }
        #expect(try await h.store.openIDs().isEmpty)

        // Firing again opens the next generation: a new incident, paged from step 1.
        try h.send(.alert(Fx.alert("mem"), policy: "db"))
        let again = try await h.emails(count: 1)
        #expect(again.recipients == ["alice@example.com"])
        #expect(try await h.incident("fp-mem")?.incident.generation == 1)
        #expect(await escalator.stop(), "\(escalator.log)")
    }

    @Test func aMalformedMessageOrAnUnknownPolicyIsDeadLetteredWithAReason() async throws {
        let h = try EscalatorHarness()
        defer { h.cleanUp() }
        let escalator = try await h.start()
        try h.conn.publish(OutboundMessage(exchange: h.topology.exchange, routingKey: h.topology.escalationQueue, body: Array("{}".utf8)))
        try h.send(.alert(Fx.alert("x"), policy: "no-such-policy"))
        try h.send(.command(IncidentCommand(id: "c", incidentID: "nope", action: .acknowledge, by: "alice", via: .cli, at: Date())))
        let dead = try await TestEnvironment.waitForMessages(h.conn, h.topology.deadLetterQueue(of: h.topology.escalationQueue), count: 2)
        let reasons = dead.compactMap { $0.headers[Topology.Header.deadLetterReason]?.description }
        #expect(reasons.count == 2)
        #expect(reasons.contains { $0.contains("no-such-policy") })
        // A command has a queue of its own, and so a dead-letter queue of its own.
        let deadCommands = try await TestEnvironment.waitForMessages(h.conn, h.topology.deadLetterQueue(of: h.topology.commandQueue), count: 1)
        #expect(deadCommands.compactMap { $0.headers[Topology.Header.deadLetterReason]?.description }.contains { $0.contains("no incident nope") })
        #expect(await escalator.stop(), "\(escalator.log)")
    }
}
