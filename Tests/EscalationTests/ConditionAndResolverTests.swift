import AlertCore
import Escalation
import Foundation
import OnCall
import Testing

/// Step conditions on the policy's wall clock across a DST change, and the resolver's
/// recipients, mentions, gaps and ids.
@Suite struct ConditionAndResolverTests {
    static let office = Fx.policy("office")

    /// Policy `office` in Europe/Berlin: step 1 (carol) only outside Mon–Fri 09:00–18:00.
    /// 07:30Z on two Mondays: 08:30 CET before the change (outside: carol paged), 09:30 CEST after
    /// it (inside: step 1 skipped, step 2 fires at once: skip, not delay).
    @Test(arguments: [
        ("2026-03-23T07:30:00Z", [1], false),  // Monday 08:30 CET
        ("2026-03-30T07:30:00Z", [2], true),  // Monday 09:30 CEST (DST began 2026-03-29)
        ("2026-03-30T15:59:00Z", [2], true),  // Monday 17:59 CEST
        ("2026-03-30T16:00:00Z", [1], false),  // Monday 18:00 CEST: outside again
        ("2026-03-28T09:00:00Z", [1], false),  // Saturday: no office hours
    ])
    func conditionsReadTheWallClockOfThePolicyZone(opened: String, next: [Int], skipped: Bool) {
        let t = Fx.instant(opened)
        // Step 0 fires at `t - 10m`; step 1 would fire at `t`.
        let (incident, _) = Incident.open(policy: Self.office, fingerprint: "fp", now: t.addingTimeInterval(-600))
        let (after, actions) = transition(incident, .timerDue(incident.timer!), now: t, policy: Self.office)
        #expect(Fx.notifies(actions).map(\.step) == next)
        #expect(after.timeline.contains { $0.what == .stepSkipped(step: 1, loop: 0) } == skipped)
        #expect(after.timer == IncidentTimer(.step, at: t.addingTimeInterval(600)), "the fired step's own wait follows")
    }

    @Test func everyStepSkippedRunsOutAtOnceAndSaysSo() {
        let policy = EscalationPolicy(
            name: "never",
            steps: [
                .init(
                    targets: EscalationTargets(people: ["bob"]), waitMillis: 60_000,
                    condition: .init(Restriction(days: [.sunday])))
            ],
            repeatCount: 3, exhausted: EscalationTargets(channels: [ChannelTarget(.dingtalk, ["ops"])]))
        let (incident, actions) = Incident.open(policy: policy, fingerprint: "fp", now: Fx.t0)  // a Monday
        #expect(Fx.notifies(actions).isEmpty)
        #expect(Fx.tells(actions).map(\.message) == [.exhausted(loops: 4)])
        #expect(incident.status == .triggered && incident.timer == nil)
    }

    @Test func resolverFollowsContactRulesAndMentionsThoseReached() {
        let targets = EscalationTargets(
            people: ["alice"], channels: [ChannelTarget(.dingtalk, ["ops"]), ChannelTarget(.email, ["duty@example.com"])])
        let r = StepResolver.resolve(targets, urgency: .important, seed: "seed", roster: Fx.roster, at: Fx.t0)
        #expect(
            r.deliveries.map { "\($0.channel):\($0.recipient)+\($0.afterSeconds)" }
                == ["dingtalk:ops+0", "email:duty@example.com+0", "email:alice@example.com+120"])
        #expect(r.deliveries[0].mentions == ["13800138000"], "alice's dingtalk step merges into the step's robot, mentioning her")
        #expect(r.paged.people == ["alice"])
        #expect(r.deliveries.allSatisfy { $0.id == Fingerprint.hash("seed\u{0}\($0.channel)\u{0}\($0.recipient)") })
        let alert = Alert(
            id: "a1", source: "alertmanager", integration: "am", status: .firing, fingerprint: "fp", title: "t", message: "m",
            severity: "critical", labels: [:], annotations: [:], startsAt: "2026-03-23T12:00:00Z", endsAt: nil,
            receivedAt: "2026-03-23T12:00:00Z", links: [])
        let due = StepResolver.notifications(r, alert: alert, policy: "table")
        #expect(due.map(\.recipients) == [["ops"], ["duty@example.com"]], "delayed contact steps wait for the escalator")
        #expect(due[0].mentions == ["13800138000"] && due[1].mentions == nil)
    }

    @Test func resolverReportsGapsAndPeopleWithoutContactRulesForTheUrgency() {
        let r = StepResolver.resolve(
            EscalationTargets(schedules: ["empty", "db"], people: ["ghost"]), urgency: .default, seed: "s",
            roster: Fx.roster, at: Fx.t0)
        #expect(r.gaps == ["empty"])
        #expect(r.deliveries.map(\.recipient) == ["bob@example.com"])
        #expect(r.unreachable == ["ghost"])
    }

    @Test func stepIDsDifferPerStepLoopAndRound() {
        let base = NotifyAction(
            incidentID: "i", step: 0, loop: 0, round: 0, targets: EscalationTargets(people: ["bob"]), urgency: .default, repeats: 0)
        var variants = [base]
        for change in [{ (n: inout NotifyAction) in n.step = 1 }, { $0.loop = 1 }, { $0.round = 1 }] {
            var n = base
            change(&n)
            variants.append(n)
        }
        let ids = variants.map { StepResolver.resolve($0, roster: Fx.roster, at: Fx.t0).deliveries[0].id }
        #expect(Set(ids).count == 4)
    }
}
