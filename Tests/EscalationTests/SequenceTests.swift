import AlertCore
import Escalation
import Foundation
import OnCall
import Testing

/// Incidents followed through whole sequences of events with an injected clock, with the
/// resolver turning pages into recipients against the roster.
@Suite struct SequenceTests {
    static let table = Fx.policy("table")

    /// Fires every due step timer in turn until none is left or `limit` timers fired.
    static func runTimers(_ start: (Incident, [IncidentAction]), policy: EscalationPolicy, limit: Int = 20) -> (Incident, [IncidentAction]) {
        var (incident, all) = start
        for _ in 0..<limit {
            guard let t = incident.timer else { break }
            let (next, actions) = transition(incident, .timerDue(t), now: t.at, policy: policy)
            incident = next
            all += actions
        }
        return (incident, all)
    }

    @Test func climbsFromStepOneToStepTwoAndPagesWhoeverIsOnCall() {
        let (opened, first) = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let step0 = Fx.notifies(first)
        #expect(step0.count == 1 && step0[0].step == 0)
        let r0 = StepResolver.resolve(step0[0], roster: Fx.roster, at: Fx.t0)
        #expect(r0.deliveries.map(\.recipient) == ["bob@example.com"], "bob is on call for db on 2026-03-23")
        let (climbed, second) = transition(opened, .timerDue(opened.timer!), now: Fx.minutes(10), policy: Self.table)
        let step1 = Fx.notifies(second)
        #expect(step1.map(\.step) == [1])
        #expect(StepResolver.resolve(step1[0], roster: Fx.roster, at: Fx.minutes(10)).deliveries.map(\.recipient) == ["carol@example.com"])
        #expect(climbed.timer == IncidentTimer(.step, at: Fx.minutes(20)))
    }

    @Test func repeatsFromTheChosenStepThenTellsExhaustedOnceAndStaysOpen() {
        let loopy = Fx.policy("loopy")
        let (incident, actions) = Self.runTimers(Incident.open(policy: loopy, fingerprint: "fp", now: Fx.t0), policy: loopy)
        #expect(Fx.notifies(actions).map { "s\($0.step)l\($0.loop)" } == ["s0l0", "s1l0", "s2l0", "s1l1", "s2l1", "s1l2", "s2l2"])
        let tells = Fx.tells(actions)
        #expect(tells.map(\.message) == [.exhausted(loops: 3)])
        #expect(tells.first?.audience.channels == [ChannelTarget(.email, ["leads@example.com"])])
        #expect(incident.status == .triggered && incident.timer == nil && incident.exhaustedNotified)
        // The exhausted step timer, delivered again, tells nobody a second time.
        let (_, again) = transition(incident, .timerDue(IncidentTimer(.step, at: Fx.minutes(35))), now: Fx.minutes(36), policy: loopy)
        #expect(again.isEmpty)
    }

    @Test func acknowledgingStopsPaging() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let stepTimer = opened.0.timer!
        let (acked, actions) = Fx.run(
            opened,
            [
                (Fx.minutes(2), .acknowledge(by: "bob", via: .phoneKey)),
                (Fx.minutes(10), .timerDue(stepTimer)),
            ], policy: Self.table)
        #expect(Fx.notifies(actions).count == 1, "only step 0, at open")
        #expect(acked.status == .acknowledged && acked.ack == Acknowledgement(by: "bob", via: .phoneKey, at: Fx.minutes(2)))
        let told = Fx.tells(actions)
        #expect(told.map(\.message) == [.acknowledged(by: "bob", via: .phoneKey)])
        #expect(told[0].audience.channels == [ChannelTarget(.email, ["team@example.com"])])
    }

    /// `resolve_on_acknowledge`: answering ends the incident (one message, no more steps); not
    /// answering still climbs.
    @Test func aPolicyThatResolvesOnAcknowledgeEndsAtTheFirstAnswer() {
        let policy = Fx.policy("confirm")
        let opened = Incident.open(policy: policy, fingerprint: "shift", now: Fx.t0)
        let (done, actions) = Fx.run(
            opened, [(Fx.minutes(3), .acknowledge(by: "bob", via: .link)), (Fx.minutes(10), .timerDue(opened.0.timer!))], policy: policy)
        #expect(done.status == .resolved && done.resolvedAt == Fx.minutes(3))
        #expect(done.ack == Acknowledgement(by: "bob", via: .link, at: Fx.minutes(3)))
        #expect(done.timer == nil)
        #expect(Fx.notifies(actions).map(\.step) == [0])
        #expect(Fx.tells(actions).map(\.message) == [.resolved(by: "bob", via: .link)])
        let unanswered = Self.runTimers(opened, policy: policy, limit: 1)
        #expect(Fx.notifies(unanswered.1).map(\.step) == [0, 1])
        #expect(!Fx.policy("table").resolveOnAcknowledge)
    }

    @Test func ackTimeoutRemindsTheAcknowledgerThenRestartsFromStepZero() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let firstIDs = StepResolver.resolve(Fx.notifies(opened.1)[0], roster: Fx.roster, at: Fx.t0).deliveries.map(\.id)
        let (acked, _) = Fx.run(opened, [(Fx.minutes(1), .acknowledge(by: "alice", via: .link))], policy: Self.table)
        #expect(acked.timer == IncidentTimer(.ackReminder, at: Fx.minutes(51)))
        let (reminded, r) = transition(acked, .timerDue(acked.timer!), now: Fx.minutes(51), policy: Self.table)
        #expect(Fx.tells(r).map(\.message) == [.ackExpiring(by: "alice", expiresAt: Fx.minutes(61))])
        #expect(Fx.tells(r)[0].audience == EscalationTargets(people: ["alice"]), "the reminder goes to the acknowledger only")
        #expect(reminded.status == .acknowledged && reminded.timer == IncidentTimer(.ackTimeout, at: Fx.minutes(61)))
        let (restarted, x) = transition(reminded, .timerDue(reminded.timer!), now: Fx.minutes(61), policy: Self.table)
        #expect(restarted.status == .triggered && restarted.ack == nil)
        #expect(Fx.render(x, now: Fx.minutes(61)) == "tell(ack_expired) notify(s0 l0 r1) schedule(step@+10m)")
        #expect(Fx.tells(x)[0].audience.people == ["alice"] && Fx.tells(x)[0].audience.channels == [ChannelTarget(.email, ["team@example.com"])])
        // Step 0 pages again: new notification ids, so the channel workers' idempotency lets them through.
        let againIDs = StepResolver.resolve(Fx.notifies(x)[0], roster: Fx.roster, at: Fx.minutes(61)).deliveries.map(\.id)
        #expect(!againIDs.isEmpty && Set(againIDs).isDisjoint(with: firstIDs))
    }

    @Test func acknowledgingAgainRenewsTheTimeoutWithoutTellingTheTeam() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let (renewed, actions) = Fx.run(
            opened,
            [
                (Fx.minutes(1), .acknowledge(by: "alice", via: .link)),
                (Fx.minutes(52), .acknowledge(by: "alice", via: .cli)),
            ], policy: Self.table)
        #expect(Fx.tells(actions).count == 1)
        #expect(renewed.timer == IncidentTimer(.ackReminder, at: Fx.minutes(102)))
    }

    @Test func snoozePausesThenResumesFromTheCurrentStep() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let (climbed, _) = transition(opened.0, .timerDue(opened.0.timer!), now: Fx.minutes(10), policy: Self.table)
        let staleStep = climbed.timer!
        let (snoozed, s) = transition(climbed, .snooze(until: Fx.minutes(40), by: "carol", via: .link), now: Fx.minutes(11), policy: Self.table)
        #expect(Fx.render(s, now: Fx.minutes(11)) == "schedule(snoozeEnd@+29m)")
        let (still, ignored) = transition(snoozed, .timerDue(staleStep), now: Fx.minutes(20), policy: Self.table)
        #expect(ignored.isEmpty && still.status == .snoozed, "the step timer does not fire while snoozed")
        let (resumed, r) = transition(still, .timerDue(still.timer!), now: Fx.minutes(40), policy: Self.table)
        #expect(resumed.status == .triggered)
        #expect(Fx.render(r, now: Fx.minutes(40)) == "notify(s1 l0 r1) schedule(step@+10m)")
    }

    @Test func escalateNowJumpsToTheNextStepAndStalesTheOldTimer() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let old = opened.0.timer!
        let (jumped, actions) = Fx.run(
            opened,
            [
                (Fx.minutes(3), .escalateNow(by: "bob", via: .api)),
                (Fx.minutes(10), .timerDue(old)),
            ], policy: Self.table)
        #expect(Fx.notifies(actions).map(\.step) == [0, 1])
        #expect(jumped.step == 1 && jumped.timer == IncidentTimer(.step, at: Fx.minutes(13)))
        #expect(jumped.timeline.last?.what == .ignored(event: "timerDue(step)", status: .triggered))
    }

    @Test func resolvedAlertTellsEveryoneWhoWasPaged() {
        var (incident, actions) = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        func page(_ actions: [IncidentAction], at t: Date) {
            for n in Fx.notifies(actions) { incident.record(StepResolver.resolve(n, roster: Fx.roster, at: t), for: n, at: t) }
        }
        page(actions, at: Fx.t0)
        (incident, actions) = transition(incident, .timerDue(incident.timer!), now: Fx.minutes(10), policy: Self.table)
        page(actions, at: Fx.minutes(10))
        #expect(incident.paged.people == ["bob", "carol"])
        let (resolved, done) = transition(incident, .alertResolved, now: Fx.minutes(12), policy: Self.table)
        #expect(resolved.status == .resolved && resolved.sourceResolved && resolved.resolvedAt == Fx.minutes(12))
        let tell = Fx.tells(done)
        #expect(tell.map(\.message) == [.resolved(by: nil, via: nil)])
        let told = StepResolver.resolve(tell[0], roster: Fx.roster, at: Fx.minutes(12)).deliveries.map(\.recipient)
        #expect(Set(told) == ["team@example.com", "bob@example.com", "carol@example.com"])
        #expect(
            incident.timeline.contains {
                if case .paged(step: 1, loop: 0, recipients: ["email:carol@example.com"], gaps: []) = $0.what { true } else { false }
            })
    }

    @Test func sourceResolvedOnlyRecordedWhenThePolicySaysSo() {
        let policy = Fx.policy("keep-open")
        let (incident, actions) = Fx.run(
            Incident.open(policy: policy, fingerprint: "fp", now: Fx.t0),
            [(Fx.minutes(1), .alertResolved)], policy: policy)
        #expect(incident.status == .triggered && incident.sourceResolved)
        #expect(Fx.tells(actions).isEmpty)
    }

    @Test func repeatsAttachAreCountedAndShownInTheNextPage() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let (incident, actions) = Fx.run(
            opened,
            [
                (Fx.minutes(1), .alertFiring), (Fx.minutes(2), .alertFiring), (Fx.minutes(3), .alertFiring),
                (Fx.minutes(10), .timerDue(opened.0.timer!)),
            ], policy: Self.table)
        #expect(incident.repeats == 3)
        #expect(Fx.notifies(actions).map(\.repeats) == [0, 3], "repeats page nobody; the next step shows them")
    }

    @Test func redeliveredEventsYieldTheSameNotificationIDs() {
        let opened = Incident.open(policy: Self.table, fingerprint: "fp", now: Fx.t0)
        let a = transition(opened.0, .timerDue(opened.0.timer!), now: Fx.minutes(10), policy: Self.table)
        let b = transition(opened.0, .timerDue(opened.0.timer!), now: Fx.minutes(10, after: Fx.minutes(1)), policy: Self.table)
        let ids = { (x: [IncidentAction]) in StepResolver.resolve(Fx.notifies(x)[0], roster: Fx.roster, at: Fx.minutes(10)).deliveries.map(\.id) }
        #expect(ids(a.1) == ids(b.1), "a late replica computes the same page")
        #expect(a.0.timer == b.0.timer, "the next step counts from the due instant, not the late one")
        #expect(Incident.id(policy: "table", fingerprint: "fp") == opened.0.id)
        #expect(Incident.id(policy: "table", fingerprint: "fp", generation: 1) != opened.0.id)
    }
}
