import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import TestSupport
import Testing

/// People's commands and the policy's timers end to end: an acknowledgement that expires,
/// snooze, escalate now, and a person's delayed contact step.
@Suite(.serialized) struct EscalationCommandsTests {
    @Test func anExpiredAcknowledgementRestartsPagingFromTheFirstStep() async throws {
        let h = try EscalatorHarness(wait: "1h", policy: "ack_timeout: 2s\nack_reminder_before: 0s")
        defer { h.cleanUp() }
        let escalator = try await h.start()
        try h.send(.alert(Fx.alert("expiring"), policy: "db"))
        let first = try await h.emails(count: 1)
        let id = try #require(first.first?.incident?.id)
        try h.command(.acknowledge, id)
        let told = try await h.emails(count: 2)
        #expect(told.allSatisfy { $0.incident?.kind == "acknowledged" })

        // 2 s later the acknowledgement expires: the team and alice are told, and step 1 pages anew.
        let after = try await h.emails(count: 3, seconds: 10)
        let kinds = after.map { "\($0.incident?.kind ?? "?"):\($0.recipients[0])" }.sorted()
        #expect(kinds == ["ack_expired:alice@example.com", "ack_expired:team@example.com", "page:alice@example.com"])
        let page = try #require(after.first { $0.incident?.kind == "page" })
        #expect(page.id != first.first?.id, "the restarted page must not reuse the first page's id")
        let record = try #require(try await h.incident("fp-expiring"))
        #expect(record.incident.status == .triggered && record.incident.ack == nil)
        #expect(try await escalator.metric("klaxon_escalator_ack_timeouts_total", ["policy": "db"]) == 1)
        #expect(await escalator.stop(), "\(escalator.log)")
    }

    @Test func escalateNowPagesTheNextStepAndSnoozeResumesTheCurrentOne() async throws {
        let h = try EscalatorHarness(wait: "1h")
        defer { h.cleanUp() }
        let escalator = try await h.start()
        try h.send(.alert(Fx.alert("manual"), policy: "db"))
        let id = try #require(try await h.emails(count: 1).first?.incident?.id)

        try h.command(.escalate, id, by: "alice")
        #expect(try await h.emails(count: 1).recipients == ["bob@example.com"])

        // Long enough to be seen snoozed on a loaded machine (1.5 s was over before a full run's
        // escalator applied it).
        try h.command(.snooze, id, by: "bob", until: Date().addingTimeInterval(6))
        try await waitFor(seconds: 30) { try await h.incident("fp-manual")?.incident.status == .snoozed }
        // When the snooze ends, the current step (bob's) fires again.
        let resumed = try await h.emails(count: 1, seconds: 30)
        #expect(resumed.recipients == ["bob@example.com"])
        #expect(try await h.incident("fp-manual")?.incident.status == .triggered)

        try h.command(.resolve, id, by: "bob")
        let resolved = try await h.emails(count: 3)  // team, alice and bob told
        #expect(Set(resolved.recipients) == ["team@example.com", "alice@example.com", "bob@example.com"])
        #expect(try await h.incident("fp-manual")?.incident.status == .resolved)
        #expect(await escalator.stop(), "\(escalator.log)")
    }

    /// A writer publishes the outbox entries it queued, not those another writer saved and is
    /// publishing right now (a command handled meanwhile published them again: a failed call was
    /// placed twice); entries left by a writer that died are published once they are stale.
    @Test func aCommandPublishesItsOwnPagesNotAnotherWritersInFlight() async throws {
        // A watch every 20 s: an outbox is stale after 5 s (the least of 5 s and half of it).
        let h = try EscalatorHarness(wait: "1h", watch: "20s")
        defer { h.cleanUp() }
        let escalator = try await h.start()
        try h.send(.alert(Fx.alert("owned"), policy: "db"))
        let first = try #require(try await h.emails(count: 1).first)
        let id = try #require(first.incident?.id)

        // Another writer's save: a page in the outbox, fresh, as if being published this moment.
        var inFlight = first
        inFlight.id = "\(first.id)-in-flight"
        _ = try await h.store.updateVersioned(id) { r in
            var r = r
            r.queue([inFlight], at: Date())
            return r
        }
        try h.command(.escalate, id, by: "alice")
        let next = try await h.emails(count: 1)
        #expect(next.map(\.id) != [inFlight.id] && next.recipients == ["bob@example.com"], "\(next.map(\.id))")
        #expect(try await h.emails(count: 1, seconds: 1).isEmpty, "the other writer's page is not published by this one")
        // The other writer never comes back: the next watch finds its page stale and publishes it, once.
        let late = try await h.emails(count: 1, seconds: 40)
        #expect(late.map(\.id) == [inFlight.id])
        #expect(try await h.emails(count: 1, seconds: 5).isEmpty)
        #expect(await escalator.stop(), "\(escalator.log)")
    }

    @Test func aDelayedContactStepIsSentWhenDueUnlessAcknowledged() async throws {
        let h = try EscalatorHarness()
        defer { h.cleanUp() }
        let escalator = try await h.start()
        try h.send(.alert(Fx.alert("slow"), policy: "delayed"))
        #expect(try await h.emails(count: 1).recipients == ["dave@example.com"])
        let robot = try await h.robotMessages(count: 1, seconds: 20)
        #expect(robot.recipients == ["ops"] && robot.first?.mentions == ["13900139000"])
        // Published no earlier than due: it arrived at least the step's 5 s after the opening.
        let opened = try #require(try await h.incident("fp-slow", policy: "delayed")?.incident.openedAt)
        #expect(Date().timeIntervalSince(opened) >= 5, "the delayed step came early")

        // Acknowledged within the delay (5 s: a loaded full run once took more than 2 s to apply
        // the acknowledgement): the robot step is never sent.
        try h.send(.alert(Fx.alert("quick"), policy: "delayed"))
        let page = try await h.emails(count: 1)
        try h.command(.acknowledge, try #require(page.first?.incident?.id), by: "dave")
        try await Task.sleep(for: .seconds(6))
        // (dave hears of the acknowledgement on every channel he has, the robot too: that is a report.)
        let pagesAfterAck = try await h.robotMessages(count: 2, seconds: 0.5).filter { $0.incident?.kind == "page" }
        #expect(pagesAfterAck.isEmpty, "sent a delayed step after the acknowledgement")
        #expect(await escalator.stop(), "\(escalator.log)")
    }
}
