import AlertCore
import Escalation
import Foundation
import OnCall
import YAMLConfig

/// The config, roster and instants the escalation tests share.
enum Fx {
    static let yaml = """
        chat:
          robots:
            - {name: ops, platform: dingtalk, webhook_env: DT_URL}
        people:
          - id: alice
            name: Alice
            email: alice@example.com
            phone: "+8613800138000"
            dingtalk: {robot: ops}
            contact_rules:
              default: [email, dingtalk]
              important: [dingtalk, {channel: email, after: 2m}]
          - {id: bob, name: Bob, email: bob@example.com, contact_rules: {default: [email]}}
          - {id: carol, name: Carol, email: carol@example.com, contact_rules: {default: [email]}}
        schedules:
          - name: db
            time_zone: Europe/Berlin
            layers:
              - rotation: {people: [alice, bob], start: 2026-03-02, handoff: "09:00", every: 1w}
          - name: empty
            time_zone: UTC
            layers:
              - shifts:
                  - {person: carol, start: "2020-01-01T00:00:00Z", end: "2020-01-02T00:00:00Z"}
        escalation_policies:
          - name: table
            steps:
              - {notify: {schedules: [db]}, wait: 10m}
              - {notify: {people: [carol]}, wait: 10m}
            repeat: 1
            repeat_from: 1
            ack_timeout: 1h
            ack_reminder_before: 10m
            team: {email: [team@example.com]}
            exhausted: {dingtalk: [ops]}
          - name: loopy
            steps:
              - {notify: {people: [alice]}, wait: 5m}
              - {notify: {people: [bob]}, wait: 5m}
              - {notify: {people: [carol]}, wait: 5m}
            repeat: 2
            repeat_from: 1
            exhausted: {email: [leads@example.com]}
          - name: keep-open
            steps:
              - {notify: {people: [bob], dingtalk: [ops]}, urgency: important, wait: 30m}
            resolve_on_source_resolved: false
            exhausted: {dingtalk: [ops]}
          - name: confirm
            steps:
              - {notify: {schedules: [db]}, wait: 10m}
              - {notify: {people: [carol]}, wait: 10m}
            resolve_on_acknowledge: true
            exhausted: {email: [leads@example.com]}
          - name: office
            time_zone: Europe/Berlin
            steps:
              - {notify: {people: [bob]}, wait: 10m}
              - notify: {people: [carol]}
                wait: 10m
                when: {days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", outside: true}
              - {notify: {email: [duty@example.com]}, wait: 10m}
            exhausted: {email: [leads@example.com]}
        router:
          routes:
            - name: db
              match: [{label: team, equals: database}]
              escalation_policy: table
          default:
            notify: {email: [fallback@example.com]}
        """
    static let environment = ["DT_URL": "http://127.0.0.1:1/dt"]
    static let config = try! ConfigLoader.parse(yaml, environment: environment)
    static let roster = Roster.build(people: config.people, schedules: config.schedules)

    static func policy(_ name: String) -> EscalationPolicy { config.escalationPolicies.first { $0.name == name }! }

    /// Monday 2026-03-23 12:00Z (13:00 in Berlin; bob is on call for `db`).
    static let t0 = instant("2026-03-23T12:00:00Z")

    static func instant(_ text: String) -> Date { Timestamps.parse(text)! }

    static func minutes(_ m: Double, after t: Date = t0) -> Date { t.addingTimeInterval(m * 60) }

    /// The notify actions of `actions`.
    static func notifies(_ actions: [IncidentAction]) -> [NotifyAction] {
        actions.compactMap { if case .notify(let n) = $0 { n } else { nil } }
    }

    /// The tell actions of `actions`.
    static func tells(_ actions: [IncidentAction]) -> [TellAction] {
        actions.compactMap { if case .tell(let t) = $0 { t } else { nil } }
    }

    /// The actions as short text, instants relative to `now` in minutes:
    /// `notify(s1 l0 r0) schedule(step@+10m) tell(resolved) cancel`.
    static func render(_ actions: [IncidentAction], now: Date) -> String {
        actions.map { a -> String in
            switch a {
            case .notify(let n): return "notify(s\(n.step) l\(n.loop) r\(n.round))"
            case .tell(let t): return "tell(\(t.message.kind))"
            case .cancelTimers: return "cancel"
            case .hurry(let p): return "hurry(\(p))"
            case .schedule(let t):
                let m = Int((t.at.timeIntervalSince(now) / 60).rounded())
                return "schedule(\(t.kind.rawValue)@\(m >= 0 ? "+" : "")\(m)m)"
            }
        }.joined(separator: " ")
    }

    /// Applies events in order, each at its instant; returns the incident and every action.
    static func run(_ start: (Incident, [IncidentAction]), _ events: [(Date, IncidentEvent)], policy: EscalationPolicy)
        -> (Incident, [IncidentAction])
    {
        var (incident, all) = start
        for (at, event) in events {
            let (next, actions) = transition(incident, event, now: at, policy: policy)
            incident = next
            all += actions
        }
        return (incident, all)
    }
}
