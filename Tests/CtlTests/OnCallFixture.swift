import Foundation

/// People and schedules for the `oncall` verbs' tests.
///
/// `db` (Europe/Berlin, CET in March): a daily rotation alice, bob, … handing off at 09:00 from
/// 2026-01-05, on call only 08:00–20:00, so 2026-03-02 (day 56, alice's) has bob 08:00–09:00,
/// alice 09:00–20:00 and a gap 20:00–08:00. `web ops` (UTC): carol all the time.
enum OnCallFixture {
    static let yaml = """
        people:
          - {id: alice, name: Alice Zhang, email: alice@example.com, contact_rules: {default: [email]}}
          - {id: bob, name: Bob Li, email: bob@example.com, contact_rules: {default: [email]}}
          - {id: carol, name: Carol, email: carol@example.com, contact_rules: {default: [email]}}
        schedules:
          - name: db
            time_zone: Europe/Berlin
            layers:
              - name: daily
                rotation: {people: [alice, bob], start: 2026-01-05, handoff: "09:00", every: 1d, hours: "08:00-20:00"}
          - name: web ops
            time_zone: UTC
            layers:
              - name: always
                rotation: {people: [carol], start: 2026-01-01, every: 1w}
        """

    /// 10:00 in Berlin on 2026-03-02: alice's shift.
    static let morning = "2026-03-02T10:00:00+01:00"
}
