import AlertCore
import Escalation
import Foundation
import TestSupport
import Testing

/// People's commands have a queue of their own, consumed beside the escalation queue: an
/// acknowledgement pressed during an alert storm is applied at once, not after every alert
/// queued before it (on one shared queue it waited for all of them: about 18 s behind 10,000).
@Suite(.serialized) struct CommandQueueTests {
    /// Small enough not to load the machine for the rest of a parallel test run (3,000 kept it
    /// busy for its whole 100 s).
    static let storm = 600

    @Test func anAcknowledgementOvertakesTheAlertStormQueuedBeforeIt() async throws {
        // One message at a time per consumer: the storm takes a while whatever the machine's
        // load, and the escalation consumer cannot race far ahead while the command consumer is
        // still connecting (with 64 in flight, a loaded run applied 458 before the acknowledgement).
        let h = try EscalatorHarness(wait: "1h", prefetch: 1)
        defer { h.cleanUp() }
        var escalator = try await h.start()
        try h.send(.alert(Fx.alert("first"), policy: "db"))
        let id = try #require(try await h.emails(count: 1).first?.incident?.id)
        #expect(await escalator.stop(), "\(escalator.log)")

        // The storm is queued while no escalator runs; the acknowledgement after it.
        for i in 0..<Self.storm { try h.send(.alert(Fx.alert("storm \(i)"), policy: "db")) }
        try h.command(.acknowledge, id, by: "alice")
        try await waitFor(seconds: 10) { (try? h.conn.inspectQueue(h.topology.escalationQueue).messages) ?? 0 >= Self.storm }

        escalator = try await h.start()
        try await waitFor("the acknowledgement applied", seconds: 30) { try await h.incident("fp-first")?.incident.status == .acknowledged }
        let waiting = try h.conn.inspectQueue(h.topology.escalationQueue).messages
        // Measured: 587–598 of 600 still queued; on one shared queue, none.
        #expect(waiting > Self.storm / 4, "the acknowledgement was applied with only \(waiting) of \(Self.storm) alerts still queued")
        #expect(try h.conn.inspectQueue(h.topology.commandQueue).messages == 0)
        // The storm goes on being applied (one at a time it takes minutes on a loaded machine; the
        // rest of the storm is not this test's subject): it stops cleanly with work queued.
        #expect(await escalator.stop(), "\(escalator.log)")
    }
}
