import AlertCore
import Foundation
import OnCall
import Testing
import YAMLConfig

/// `escalation_policies:` as read from YAML: what a valid policy becomes, and one fixture per
/// config error, each naming its path.
@Suite struct PolicyConfigTests {
    static let head = """
        chat:
          robots:
            - {name: ops, platform: dingtalk, webhook_env: DT_URL}
            - {name: wc, platform: wecom, webhook_env: DT_URL}
        people:
          - {id: bob, name: Bob, email: bob@example.com, contact_rules: {default: [email]}}
        schedules:
          - name: db
            time_zone: UTC
            layers:
              - rotation: {people: [bob], start: 2026-01-05}

        """

    static func problems(_ tail: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(head + tail, environment: Fx.environment)
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test func validPolicyIsRead() throws {
        let p = Fx.policy("table")
        #expect(p.steps.map(\.waitMillis) == [600_000, 600_000])
        #expect(p.steps[0].targets.schedules == ["db"] && p.steps[1].targets.people == ["carol"])
        #expect(p.repeatCount == 1 && p.repeatFrom == 1)
        #expect(p.ackTimeoutMillis == 3_600_000 && p.ackReminderBeforeMillis == 600_000)
        #expect(p.resolveOnSourceResolved && p.team.channels == [ChannelTarget(.email, ["team@example.com"])])
        let keep = Fx.policy("keep-open")
        #expect(!keep.resolveOnSourceResolved && keep.steps[0].urgency == .important && keep.ackTimeoutMillis == nil)
        #expect(keep.team == keep.exhausted, "team defaults to the exhausted targets")
        let office = Fx.policy("office")
        #expect(office.timeZone.identifier == "Europe/Berlin" && office.steps[1].condition?.outside == true)
        #expect(Fx.config.router.routes[0].escalationPolicy == "table")
    }

    @Test func routerHandsMatchedAlertsToTheirPolicy() {
        let alert = Alert(
            id: "a", source: "alertmanager", integration: "am", status: .firing, fingerprint: "fp", title: "t", message: "m",
            severity: "critical", labels: ["team": "database"], annotations: [:], startsAt: "2026-03-23T12:00:00Z",
            endsAt: nil, receivedAt: "2026-03-23T12:00:00Z", links: [])
        let routing = AlertRouter.route(alert, config: Fx.config.router, chat: Fx.config.chat, roster: Fx.roster, at: Fx.t0)
        #expect(routing.escalationPolicies == ["table"])
        var other = alert
        other.labels = [:]
        #expect(AlertRouter.route(other, config: Fx.config.router, roster: Fx.roster, at: Fx.t0).escalationPolicies.isEmpty)
    }

    static let ok = "{notify: {people: [bob]}, wait: 5m}"
    static let exhausted = "exhausted: {dingtalk: [ops]}"

    @Test(arguments: [
        ("escalation_policies: [{steps: [\(ok)], \(exhausted)}]", "escalation_policies[0].name: missing (required)"),
        (
            "escalation_policies: [{name: p, steps: [\(ok)], \(exhausted)}, {name: p, steps: [\(ok)], \(exhausted)}]",
            "escalation_policies[1].name: duplicate escalation policy name \"p\""
        ),
        (
            "escalation_policies: [{name: p, time_zone: Mars/Base, steps: [\(ok)], \(exhausted)}]",
            "escalation_policies[0].time_zone: unknown time zone \"Mars/Base\""
        ),
        ("escalation_policies: [{name: p, \(exhausted)}]", "escalation_policies[0].steps: a policy needs at least one step"),
        (
            "escalation_policies: [{name: p, steps: [{notify: {schedules: [nope]}, wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify.schedules[0]: no schedule named \"nope\" in schedules"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [zed]}, wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify.people[0]: no person with id \"zed\" in people"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {dingtalk: [ghost]}, wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify.dingtalk[0]: no robot named \"ghost\" in chat.robots"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {dingtalk: [wc]}, wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify.dingtalk[0]: robot \"wc\" is a wecom robot, not dingtalk"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {email: [nobody]}, wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify.email[0]: not an e-mail address"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {pager: [x]}, wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify.pager: unknown channel"
        ),
        (
            "escalation_policies: [{name: p, steps: [{wait: 5m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].notify: a step must notify someone"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}}], \(exhausted)}]",
            "escalation_policies[0].steps[0].wait: missing (required)"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}, wait: soon}], \(exhausted)}]",
            "escalation_policies[0].steps[0].wait: expected a duration such as 30s, 5m or 1h of at least 1s, got \"soon\""
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}, wait: 5m, urgency: urgent}], \(exhausted)}]",
            "escalation_policies[0].steps[0].urgency: expected one of default, important"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}, wait: 5m, when: {days: [caturday]}}], \(exhausted)}]",
            "escalation_policies[0].steps[0].when.days[0]: expected a weekday"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}, wait: 5m, when: {hours: \"9-5\"}}], \(exhausted)}]",
            "escalation_policies[0].steps[0].when.hours: expected a window such as 20:00-08:00"
        ),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}, wait: 5m, when: {outside: true}}], \(exhausted)}]",
            "escalation_policies[0].steps[0].when: give days, hours or both"
        ),
        (
            "escalation_policies: [{name: p, steps: [\(ok)], repeat: -1, \(exhausted)}]",
            "escalation_policies[0].repeat: expected a whole number from 0 to 1000"
        ),
        (
            "escalation_policies: [{name: p, steps: [\(ok), \(ok)], repeat: 2, repeat_from: 2, \(exhausted)}]",
            "escalation_policies[0].repeat_from: step index 2 is out of range: the policy has 2 step(s), numbered from 0"
        ),
        (
            "escalation_policies: [{name: p, steps: [\(ok)], ack_timeout: forever, \(exhausted)}]",
            "escalation_policies[0].ack_timeout: expected a duration"
        ),
        (
            "escalation_policies: [{name: p, steps: [\(ok)], ack_timeout: 5m, ack_reminder_before: 10m, \(exhausted)}]",
            "escalation_policies[0].ack_reminder_before: must be shorter than ack_timeout (5m)"
        ),
        (
            "escalation_policies: [{name: p, steps: [\(ok)], resolve_on_source_resolved: perhaps, \(exhausted)}]",
            "escalation_policies[0].resolve_on_source_resolved: expected true or false"
        ),
        (
            "escalation_policies: [{name: p, steps: [\(ok)]}]",
            "escalation_policies[0].exhausted: missing (required): whom to tell \"still open, nobody acknowledged\""
        ),
        ("escalation_policies: [{name: p, steps: [\(ok)], exhausted: {}}]", "escalation_policies[0].exhausted: missing (required)"),
        ("escalation_policies: [{name: p, steps: [\(ok)], team: {}, \(exhausted)}]", "escalation_policies[0].team: name at least one"),
        ("escalation_policies: [{name: p, steps: [\(ok)], reapeat: 2, \(exhausted)}]", "escalation_policies[0].reapeat: unknown key"),
        (
            "escalation_policies: [{name: p, steps: [{notify: {people: [bob]}, wait: 5m, delay: 1m}], \(exhausted)}]",
            "escalation_policies[0].steps[0].delay: unknown key"
        ),
        ("router: {routes: [{name: r, escalation_policy: nope}]}", "router.routes[0].escalation_policy: no escalation policy named \"nope\""),
    ])
    func badPolicyNamesThePath(yaml: String, expected: String) {
        let found = Self.problems(yaml)
        #expect(found.contains { $0.hasPrefix(expected) }, "expected \(expected) in \(found)")
    }

    @Test func aValidMinimalPolicyHasNoProblems() {
        #expect(
            Self.problems(
                "escalation_policies: [{name: p, steps: [\(Self.ok)], \(Self.exhausted)}]\nrouter: {routes: [{name: r, escalation_policy: p}]}") == []
        )
    }
}
