import AlertCore
import Foundation
import OnCall
import Testing
import YAMLConfig

/// Routes that notify schedules and people: who is reached at an instant, through which contact
/// rules, who is @mentioned, and what a gap does. Pure: config, roster and instant in.
@Suite struct OnCallRoutingTests {
    static let yaml = """
        chat:
          robots:
            - {name: ops, platform: dingtalk, webhook_env: DT_URL}
            - {name: team-wecom, platform: wecom, webhook_env: WC_URL}
        people:
          - id: alice
            name: Alice
            email: alice@example.com
            phone: "+8613800138000"
            time_zone: Asia/Shanghai
            language: zh-CN
            dingtalk: {robot: ops}
            contact_rules:
              default: [email]
              important: [dingtalk, email, {channel: email, after: 2m}]
          - id: bob
            name: Bob
            email: bob@example.com
            dingtalk: {robot: ops, mobile: "13900139000"}
            wecom: {robot: team-wecom, mobile: "13900139000"}
            contact_rules:
              default: [wecom]
          - id: carol
            name: Carol
            email: carol@example.com
            contact_rules:
              default: [email]
        schedules:
          - name: db
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                rotation: {people: [alice, bob], start: 2026-11-02, handoff: "09:00", every: 1w}
              - name: weekday-nights
                rotation: {people: [carol], start: 2026-11-02, handoff: "20:00", every: 1d, days: [mon, tue, wed, thu, fri], hours: "20:00-08:00"}
            overrides:
              - {id: swap, person: carol, covering: bob, from: "2026-11-14T09:00:00+01:00", to: "2026-11-15T09:00:00+01:00"}
          - name: holiday-only
            time_zone: Asia/Shanghai
            layers:
              - shifts:
                  - {person: carol, start: "2026-10-01T00:00:00+08:00", end: "2026-10-08T00:00:00+08:00"}
        router:
          routes:
            - name: db
              match:
                - {label: team, equals: database}
              notify:
                schedules: [db]
                dingtalk: [ops]
              urgency: important
              fallback:
                email: [dba-list@example.com]
            - name: gaps
              match:
                - {label: team, equals: holiday}
              notify:
                schedules: [holiday-only]
              fallback:
                people: [carol]
                dingtalk: [ops]
          default:
            notify:
              people: [bob]
        """
    static let config = try! ConfigLoader.parse(yaml, environment: ["DT_URL": "http://127.0.0.1:1/dt", "WC_URL": "http://127.0.0.1:1/wc"])
    static let roster = Roster.build(people: config.people, schedules: config.schedules)

    func route(_ labels: [String: String], at instant: String, status: AlertStatus = .firing) -> Routing {
        AlertRouter.route(
            alert(labels, status: status), config: Self.config.router, chat: Self.config.chat, roster: Self.roster,
            at: Timestamps.parse(instant)!)
    }

    func describe(_ r: Routing) -> [String] {
        r.notifications.map { n in "\(n.channel):\(n.recipients[0])" + ((n.mentions ?? []).isEmpty ? "" : " @" + n.mentions!.joined(separator: ",")) }
    }

    /// (labels, instant, expected notifications "channel:recipient @mentions", gaps)
    static let cases: [([String: String], String, [String], [String])] = [
        // Week 1 (from Mon 2026-11-02 09:00 Berlin): alice; important rules: dingtalk (on ops, mention by phone), email.
        (["team": "database"], "2026-11-04T10:00:00+01:00", ["dingtalk:ops @13800138000", "email:alice@example.com"], []),
        // Weekday night: carol's layer is higher and wins; carol has only e-mail.
        (["team": "database"], "2026-11-04T22:00:00+01:00", ["dingtalk:ops", "email:carol@example.com"], []),
        // Week 2: bob, who has no important rules: his default (wecom on his robot).
        (["team": "database"], "2026-11-10T10:00:00+01:00", ["dingtalk:ops @13900139000", "wecom:team-wecom @13900139000"], []),
        // The override: carol covers bob on Saturday 14th.
        (["team": "database"], "2026-11-14T12:00:00+01:00", ["dingtalk:ops", "email:carol@example.com"], []),
        // A gap: nobody on the holiday schedule → the fallback (carol by e-mail, the ops robot).
        (["team": "holiday"], "2026-11-04T10:00:00+08:00", ["dingtalk:ops", "email:carol@example.com"], ["holiday-only"]),
        (["team": "holiday"], "2026-10-03T10:00:00+08:00", ["email:carol@example.com"], []),
        // Default route: bob by his default rule.
        (["team": "web"], "2026-11-04T10:00:00+01:00", ["wecom:team-wecom @13900139000"], []),
    ]

    @Test(arguments: cases)
    func reachesWhoeverIsOnCall(_ c: ([String: String], String, [String], [String])) {
        let r = route(c.0, at: c.1)
        #expect(describe(r) == c.2, "\(c.0) at \(c.1)")
        #expect(r.gaps == c.3)
    }

    @Test func delayedStepsWaitForAnEscalationPolicyAndResolvedAlertsMentionNobody() {
        let firing = route(["team": "database"], at: "2026-11-04T10:00:00+01:00")
        #expect(firing.delayedSteps == 1, "alice's e-mail after 2m needs an acknowledgement to wait on")
        let resolved = route(["team": "database"], at: "2026-11-04T10:00:00+01:00", status: .resolved)
        #expect(describe(resolved) == ["dingtalk:ops", "email:alice@example.com"])
        #expect(firing.onCall["db"] == ["alice"])
    }

    @Test func notificationIdsAreStableForARedeliveredAlert() {
        let a = route(["team": "database"], at: "2026-11-04T10:00:00+01:00").notifications.map(\.id)
        let b = route(["team": "database"], at: "2026-11-04T10:00:05+01:00").notifications.map(\.id)
        #expect(a == b && Set(a).count == a.count)
    }

    /// (what to change in the YAML, the expected error path and fragment)
    static let badConfigs: [(String, String, String, String)] = [
        (
            "rotation: {people: [alice, bob]", "rotation: {people: [alice, zed]", "schedules[0].layers[0].rotation.people[1]",
            "no person with id \"zed\""
        ),
        ("every: 1w}", "every: fortnightly}", "schedules[0].layers[0].rotation.every", "fortnightly"),
        ("hours: \"20:00-08:00\"", "hours: \"8pm-8am\"", "schedules[0].layers[1].rotation.hours", "20:00-08:00"),
        ("time_zone: Europe/Berlin", "time_zone: Europe/Berlyn", "schedules[0].time_zone", "unknown time zone"),
        ("schedules: [db]", "schedules: [dbx]", "router.routes[0].notify.schedules[0]", "no schedule named \"dbx\""),
        ("      fallback:\n        email: [dba-list@example.com]\n", "", "router.routes[0].fallback", "needs a fallback"),
        ("dingtalk: {robot: ops}", "dingtalk: {robot: nope}", "people[0].dingtalk.robot", "no robot named \"nope\""),
        ("dingtalk: {robot: ops}", "dingtalk: {robot: team-wecom}", "people[0].dingtalk.robot", "is a wecom robot"),
        ("default: [wecom]", "default: [sms]", "people[1].contact_rules.default[0]", "channel 'sms' needs a phone, which this person lacks"),
        ("default: [wecom]", "default: [feishu]", "people[1].contact_rules.default[0]", "feishu.robot"),
        ("covering: bob", "covering: nobody", "schedules[0].overrides[0].covering", "no person"),
        ("people: [bob]", "people: [bobby]", "router.default.notify.people[0]", "no person with id \"bobby\""),
    ]

    @Test(arguments: badConfigs)
    func badConfigIsAnErrorWithItsPath(_ c: (String, String, String, String)) {
        #expect(Self.yaml.contains(c.0), "fixture: \(c.0)")
        let yaml = Self.yaml.replacingOccurrences(of: c.0, with: c.1)
        do {
            _ = try ConfigLoader.parse(yaml, environment: ["DT_URL": "http://x/", "WC_URL": "http://x/"])
            Issue.record("accepted: \(c.2)")
        } catch {
            let issue = error.issues.first { $0.path == c.2 }
            #expect(issue?.message.contains(c.3) == true, "\(c.2): \(error.issues.map(\.description))")
        }
    }
}

/// Voice and SMS are channels now: a person with a phone may name them, routes may list numbers.
@Suite struct PhoneChannelConfigTests {
    @Test func aPersonWithAPhoneMayBeCalledAndTexted() throws {
        let yaml = OnCallRoutingTests.yaml.replacingOccurrences(
            of: "important: [dingtalk, email, {channel: email, after: 2m}]", with: "important: [{channel: voice}, {channel: sms, after: 5m}]")
        let config = try ConfigLoader.parse(yaml, environment: ["DT_URL": "http://x/", "WC_URL": "http://x/"])
        let alice = try #require(config.people.first { $0.id == "alice" })
        #expect(alice.contactRules[.important]?.map(\.channel) == ["voice", "sms"])
        #expect(alice.contactRules[.important]?.last?.delaySeconds == 300)
    }
}
