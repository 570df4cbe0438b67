import AlertCore
import Escalation
import Foundation
import OnCall
import ShiftPlan
import Testing

/// The hand-over summary: open incidents (oldest first, who acknowledged), the ended shift's
/// incident count and noisiest alerts, in the reader's zone; and where the ended shift starts.
@Suite struct HandoverSummaryTests {
    static let policy = EscalationPolicy(
        name: "db", steps: [.init(targets: EscalationTargets(schedules: ["db"]), waitMillis: 600_000)], exhausted: EscalationTargets())
    static let t0 = ShiftPlannerTests.t("2026-03-30T07:00:00.000Z")

    static func incident(_ title: String, openedMinutesBefore m: Double, repeats: Int = 0, ackBy: PersonID? = nil) -> (Incident, Alert) {
        let opened = t0.addingTimeInterval(-m * 60)
        var (i, _) = Incident.open(policy: policy, fingerprint: title, now: opened)
        for k in 0..<repeats { (i, _) = transition(i, .alertFiring, now: opened.addingTimeInterval(Double(k + 1)), policy: policy) }
        if let ackBy { (i, _) = transition(i, .acknowledge(by: ackBy, via: .link), now: opened.addingTimeInterval(60), policy: policy) }
        let alert = Alert(
            id: title, source: "test", integration: "t", status: .firing, fingerprint: title, title: title, message: "", severity: "critical",
            labels: [:], annotations: [:], startsAt: "", endsAt: nil, receivedAt: "", links: [])
        return (i, alert)
    }

    @Test func listsOpenIncidentsAndTheEndedShiftsNoise() {
        let disk = Self.incident("Disk full", openedMinutesBefore: 90, repeats: 11, ackBy: "alice")
        let lag = Self.incident("Replication lag", openedMinutesBefore: 30, repeats: 2)
        let cpu = Self.incident("CPU high", openedMinutesBefore: 600)
        let period = DateInterval(start: Self.t0.addingTimeInterval(-7 * 86_400), end: Self.t0)
        let s = HandoverSummary(
            open: [lag, disk], openCount: 2, openedInPeriod: [cpu, disk, lag], openedCount: 3, period: period, names: ["alice": "Alice Zhang"])
        #expect(s.open.map(\.title) == ["Disk full", "Replication lag"])
        #expect(
            s.noisiest == [.init(title: "Disk full", firings: 12), .init(title: "Replication lag", firings: 3), .init(title: "CPU high", firings: 1)])
        #expect(
            s.text(zone: "Europe/Berlin") == """
                Open incidents: 2: Disk full (acknowledged by Alice Zhang, since Mon 2026-03-30 07:30 CEST); \
                Replication lag (triggered, since Mon 2026-03-30 08:30 CEST).
                Last shift (Mon 2026-03-23 08:00 CET – Mon 2026-03-30 09:00 CEST): 3 incidents; noisiest: Disk full ×12, Replication lag ×3, CPU high ×1.
                """)
    }

    @Test func aQuietShiftAndMoreThanTheListShows() {
        let period = DateInterval(start: Self.t0.addingTimeInterval(-86_400), end: Self.t0)
        #expect(
            HandoverSummary(open: [], openCount: 0, openedInPeriod: [], openedCount: 0, period: period).text(zone: "UTC") == """
                Open incidents: none.
                Last shift (Sun 2026-03-29 07:00 UTC – Mon 2026-03-30 07:00 UTC): no incidents.
                """)
        let many = (0..<8).map { Self.incident("a\($0)", openedMinutesBefore: Double(100 - $0)) }
        let s = HandoverSummary(open: many, openCount: 140, openedInPeriod: many, openedCount: 140, period: period)
        #expect(s.open.count == HandoverSummary.listLimit && s.openTotal == 140 && s.opened == 140)
        #expect(s.text(zone: "UTC").contains("; and 135 more."))
        #expect(s.noisiest.count == HandoverSummary.noisiestLimit)
    }

    /// The team's hand-over carries the previous hand-over: a week back for a weekly rotation,
    /// the override's edge when one came between.
    @Test func theHandoverKnowsWhenTheEndedShiftBegan() throws {
        let (_, p) = try ShiftPlannerTests.setup()
        let monday = p.announcements(from: Self.t0.addingTimeInterval(-1), to: Self.t0).filter { $0.kind == .handover }
        #expect(!monday.isEmpty)
        // 2026-03-26 12:00 CET: the end of the override (carol → bob).
        #expect(monday.allSatisfy { $0.since == ShiftPlannerTests.t("2026-03-26T11:00:00.000Z") })
        let march9 = ShiftPlannerTests.t("2026-03-09T08:00:00.000Z")
        let h = p.announcements(from: march9.addingTimeInterval(-1), to: march9).filter { $0.kind == .handover }
        #expect(h.allSatisfy { $0.since == ShiftPlannerTests.t("2026-03-02T08:00:00.000Z") })
    }
}
