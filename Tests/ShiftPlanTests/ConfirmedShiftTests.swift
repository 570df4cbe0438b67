import AlertCore
import Foundation
import ShiftPlan
import Testing
import YAMLConfig

/// `confirm_policy`: every shift start also hands an alert for the incoming person to the
/// escalation policy (once per start, its own incident per shift); a policy that does not exist
/// is a config error naming the field.
@Suite struct ConfirmedShiftTests {
    static let policy = """
        escalation_policies:
          - name: shift-confirm
            steps:
              - {notify: {schedules: [db]}, wait: 10m}
            resolve_on_acknowledge: true
            exhausted: {email: [db-team@example.com]}
        """

    static func yaml(_ policyName: String) -> String {
        ShiftPlannerTests.yaml.replacingOccurrences(of: "grace: 10m", with: "grace: 10m\n      confirm_policy: \(policyName)") + "\n" + policy
    }

    @Test func everyShiftStartOpensAConfirmationThroughThePolicy() throws {
        let (_, p) = try ShiftPlannerTests.setup(Self.yaml("shift-confirm"))
        let month = p.announcements(from: ShiftPlannerTests.t("2026-03-01T00:00:00.000Z"), to: ShiftPlannerTests.t("2026-04-01T00:00:00.000Z"))
        let confirms = month.filter { $0.kind == .confirm }
        let starts = month.filter { $0.kind == .start }
        // One per shift start (a person with two channels gets two start messages, one confirmation).
        #expect(
            confirms.map { "\($0.person!) \($0.boundary)" } == Array(NSOrderedSet(array: starts.map { "\($0.person!) \($0.boundary)" })) as? [String])
        #expect(confirms.allSatisfy { $0.channel == Announcement.escalationChannel && $0.recipient == "shift-confirm" && $0.due == $0.boundary })
        let first = try #require(confirms.first)
        #expect(
            first.text
                == "Alice is on call for db from Mon 2026-03-02 09:00 CET until Mon 2026-03-09 09:00 CET. Acknowledge to confirm you are reachable.")
        let alerts = confirms.map { $0.confirmationAlert() }
        #expect(Set(alerts.map(\.fingerprint)).count == alerts.count, "each shift its own incident")
        #expect(
            alerts[0].fingerprint == "shift-confirm:db:alice:\(Int64(ShiftPlannerTests.t("2026-03-02T08:00:00.000Z").timeIntervalSince1970 * 1000))")
        #expect(alerts[0].id == first.id && alerts[0].labels["person"] == "alice" && alerts[0].status == .firing)
        // Without confirm_policy: no confirmations.
        let (_, plain) = try ShiftPlannerTests.setup()
        #expect(
            !plain.announcements(from: ShiftPlannerTests.t("2026-03-01T00:00:00.000Z"), to: ShiftPlannerTests.t("2026-04-01T00:00:00.000Z")).contains
            { $0.kind == .confirm })
    }

    @Test func anUnknownConfirmPolicyIsAConfigError() {
        #expect {
            _ = try ShiftPlannerTests.setup(Self.yaml("nope"))
        } throws: { error in
            "\(error)".contains("schedules[0].announce.confirm_policy") && "\(error)".contains("unknown escalation policy \"nope\"")
        }
    }
}
