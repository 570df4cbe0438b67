import AlertCore
import Escalation
import Foundation
import OnCall
import Testing

/// Every event in every state of the incident state machine, policy `table` (two 10-minute steps,
/// one repeat from step 1, 1 h acknowledgement timeout with a reminder 10 min ahead), injected
/// clock. Each row: the state, the event, the resulting status, step and loop, the actions (times
/// relative to the event), and whether the event was ignored (recorded, nothing changed).
@Suite struct TransitionTableTests {
    static let policy = Fx.policy("table")
    static let t0 = Fx.t0

    /// A named starting state and the instant it was reached.
    static func state(_ name: String) -> (incident: Incident, at: Date) {
        let opened = Incident.open(policy: policy, fingerprint: "fp-1", now: t0)
        switch name {
        case "triggered":
            return (opened.0, t0)
        case "exhausted":
            // step 0 → step 1 → (loop 1) step 1 → exhausted
            let (i, _) = Fx.run(
                opened, [10, 20, 30].map { (Fx.minutes($0), .timerDue(IncidentTimer(.step, at: Fx.minutes($0)))) },
                policy: policy)
            return (i, Fx.minutes(30))
        case "acknowledged":
            return (Fx.run(opened, [(Fx.minutes(1), .acknowledge(by: "alice", via: .link))], policy: policy).0, Fx.minutes(1))
        case "snoozed":
            return (Fx.run(opened, [(Fx.minutes(1), .snooze(until: Fx.minutes(31), by: "alice", via: .chat))], policy: policy).0, Fx.minutes(1))
        case "resolved":
            return (Fx.run(opened, [(Fx.minutes(1), .resolve(by: "carol", via: .cli))], policy: policy).0, Fx.minutes(1))
        default:
            fatalError("no state \(name)")
        }
    }

    /// The event named `name`, applied 5 minutes after the state was reached (a timer at its own
    /// instant). `pending` is the state's timer, or a stale one when it has none.
    static func event(_ name: String, state: Incident, reachedAt: Date) -> (IncidentEvent, Date) {
        let now = Fx.minutes(5, after: reachedAt)
        switch name {
        case "alertFiring": return (.alertFiring, now)
        case "alertResolved": return (.alertResolved, now)
        case "acknowledge": return (.acknowledge(by: "bob", via: .api), now)
        case "resolve": return (.resolve(by: "bob", via: .cli), now)
        case "snooze": return (.snooze(until: Fx.minutes(30, after: now), by: "bob", via: .link), now)
        case "unsnooze": return (.unsnooze(by: "bob", via: .link), now)
        case "escalateNow": return (.escalateNow(by: "bob", via: .phoneKey), now)
        case "timerDue":
            let t = state.timer ?? IncidentTimer(.step, at: Fx.minutes(30))
            return (.timerDue(t), t.at)
        case "staleTimer": return (.timerDue(IncidentTimer(.step, at: Fx.minutes(99))), now)
        case "callOutcome": return (.callOutcome(by: "bob", outcome: .noAnswer), now)
        default: fatalError("no event \(name)")
        }
    }

    static let rows: [(state: String, event: String, status: IncidentStatus, step: Int, loop: Int, actions: String, ignored: Bool)] =
        [
            ("triggered", "alertFiring", .triggered, 0, 0, "", false),
            ("triggered", "alertResolved", .resolved, 0, 0, "cancel tell(resolved)", false),
            ("triggered", "acknowledge", .acknowledged, 0, 0, "tell(acknowledged) schedule(ackReminder@+50m)", false),
            ("triggered", "resolve", .resolved, 0, 0, "cancel tell(resolved)", false),
            ("triggered", "snooze", .snoozed, 0, 0, "schedule(snoozeEnd@+30m)", false),
            ("triggered", "unsnooze", .triggered, 0, 0, "", true),
            ("triggered", "escalateNow", .triggered, 1, 0, "notify(s1 l0 r0) schedule(step@+10m)", false),
            ("triggered", "timerDue", .triggered, 1, 0, "notify(s1 l0 r0) schedule(step@+10m)", false),
            ("triggered", "staleTimer", .triggered, 0, 0, "", true),
            ("triggered", "callOutcome", .triggered, 0, 0, "hurry(bob)", false),

            ("exhausted", "alertFiring", .triggered, 1, 1, "", false),
            ("exhausted", "alertResolved", .resolved, 1, 1, "tell(resolved)", false),
            ("exhausted", "acknowledge", .acknowledged, 1, 1, "tell(acknowledged) schedule(ackReminder@+50m)", false),
            ("exhausted", "resolve", .resolved, 1, 1, "tell(resolved)", false),
            ("exhausted", "snooze", .snoozed, 1, 1, "schedule(snoozeEnd@+30m)", false),
            ("exhausted", "unsnooze", .triggered, 1, 1, "", true),
            ("exhausted", "escalateNow", .triggered, 0, 2, "notify(s0 l2 r0) schedule(step@+10m)", false),
            ("exhausted", "timerDue", .triggered, 1, 1, "", true),
            ("exhausted", "staleTimer", .triggered, 1, 1, "", true),
            ("exhausted", "callOutcome", .triggered, 1, 1, "hurry(bob)", false),

            ("acknowledged", "alertFiring", .acknowledged, 0, 0, "", false),
            ("acknowledged", "alertResolved", .resolved, 0, 0, "cancel tell(resolved)", false),
            ("acknowledged", "acknowledge", .acknowledged, 0, 0, "tell(acknowledged) schedule(ackReminder@+50m)", false),
            ("acknowledged", "resolve", .resolved, 0, 0, "cancel tell(resolved)", false),
            ("acknowledged", "snooze", .snoozed, 0, 0, "schedule(snoozeEnd@+30m)", false),
            ("acknowledged", "unsnooze", .acknowledged, 0, 0, "", true),
            ("acknowledged", "escalateNow", .triggered, 1, 0, "notify(s1 l0 r0) schedule(step@+10m)", false),
            ("acknowledged", "timerDue", .acknowledged, 0, 0, "tell(ack_expiring) schedule(ackTimeout@+10m)", false),
            ("acknowledged", "staleTimer", .acknowledged, 0, 0, "", true),
            ("acknowledged", "callOutcome", .acknowledged, 0, 0, "", false),

            ("snoozed", "alertFiring", .snoozed, 0, 0, "", false),
            ("snoozed", "alertResolved", .resolved, 0, 0, "cancel tell(resolved)", false),
            ("snoozed", "acknowledge", .acknowledged, 0, 0, "tell(acknowledged) schedule(ackReminder@+50m)", false),
            ("snoozed", "resolve", .resolved, 0, 0, "cancel tell(resolved)", false),
            ("snoozed", "snooze", .snoozed, 0, 0, "schedule(snoozeEnd@+30m)", false),
            ("snoozed", "unsnooze", .triggered, 0, 0, "notify(s0 l0 r1) schedule(step@+10m)", false),
            ("snoozed", "escalateNow", .triggered, 1, 0, "notify(s1 l0 r0) schedule(step@+10m)", false),
            ("snoozed", "timerDue", .triggered, 0, 0, "notify(s0 l0 r1) schedule(step@+10m)", false),
            ("snoozed", "staleTimer", .snoozed, 0, 0, "", true),
            ("snoozed", "callOutcome", .snoozed, 0, 0, "", false),
        ]
        + ["alertFiring", "alertResolved", "acknowledge", "resolve", "snooze", "unsnooze", "escalateNow", "timerDue", "staleTimer", "callOutcome"]
        .map { ("resolved", $0, IncidentStatus.resolved, 0, 0, "", true) }

    @Test(arguments: rows.indices)
    func row(_ index: Int) {
        let row = Self.rows[index]
        let (before, reachedAt) = Self.state(row.state)
        let (event, now) = Self.event(row.event, state: before, reachedAt: reachedAt)
        let (after, actions) = transition(before, event, now: now, policy: Self.policy)
        let label = "\(row.state) + \(row.event)"
        #expect(after.status == row.status, "\(label)")
        #expect(after.step == row.step && after.loop == row.loop, "\(label): s\(after.step) l\(after.loop)")
        #expect(Fx.render(actions, now: now) == row.actions, "\(label)")
        let last = after.timeline.last?.what
        #expect((last == .ignored(event: event.name, status: before.status)) == row.ignored, "\(label): \(String(describing: last))")
        if row.ignored {
            var expected = before
            expected.timeline.append(TimelineEntry(at: now, .ignored(event: event.name, status: before.status)))
            #expect(after == expected, "\(label): an ignored event changes nothing but the timeline")
        }
        // The incident's timer is exactly what the actions left behind.
        #expect(after.timer == Self.timerAfter(before.timer, actions), "\(label)")
    }

    /// Every (state, event) pair appears exactly once.
    @Test func tableCoversEveryEventInEveryState() {
        let pairs = Set(Self.rows.map { "\($0.state)/\($0.event)" })
        #expect(pairs.count == Self.rows.count)
        #expect(pairs.count == 5 * 10)
    }

    /// The timer left by applying `actions` to an incident whose timer was `before` (rows where a
    /// timer fires without a successor are in SequenceTests).
    static func timerAfter(_ before: IncidentTimer?, _ actions: [IncidentAction]) -> IncidentTimer? {
        var timer = before
        for a in actions {
            switch a {
            case .schedule(let t): timer = t
            case .cancelTimers: timer = nil
            default: break
            }
        }
        return timer
    }
}
