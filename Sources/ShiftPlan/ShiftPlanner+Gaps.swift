import AlertCore
import Escalation
import Foundation
import OnCall
import TimeKit

extension ShiftPlanner {
    /// When the weekly gap report is due: Mondays at this wall time in the schedule's zone.
    public static let gapReportTime = LocalTime(9)
    /// How far ahead a gap report and a roster change look.
    public static let horizon: TimeInterval = 14 * 86_400

    /// The team's weekly gap reports due in `(from, to]`: Mondays 09:00 (schedule's wall clock),
    /// the intervals of the next 14 days with nobody on call; nothing when there is none.
    func gapReports(from: Date, to: Date, text: inout TimeText) -> [Announcement] {
        guard !settings.team.isEmpty else { return [] }
        var out: [Announcement] = []
        var day = schedule.clock.localDate(of: from)
        let last = schedule.clock.localDate(of: to)
        while day <= last {
            defer { day = day.adding(days: 1) }
            guard day.weekday == .monday else { continue }
            let at = schedule.clock.instant(of: day, at: Self.gapReportTime)
            guard at > from && at <= to else { continue }
            let gaps = schedule.gaps(from: at, to: at.addingTimeInterval(Self.horizon))
            guard !gaps.isEmpty else { continue }
            let zone = schedule.timeZone.identifier
            let listed = gaps.prefix(10).map { g in
                "\(text.format(g.start, zone: zone)) – \(text.format(g.end, zone: zone)) (\(TimeText.duration(Int(g.duration))))"
            }
            let line =
                "Nobody is on call for \(schedule.name) at these times in the next 14 days: \(listed.joined(separator: "; "))"
                + (gaps.count > 10 ? "; and \(gaps.count - 10) more." : ".")
            let seed = Self.seed(schedule.name, .gaps, at, "")
            let resolved = StepResolver.resolve(EscalationTargets(channels: settings.team), urgency: .default, seed: seed, roster: roster, at: at)
            out += resolved.deliveries.map { d in
                Announcement(
                    id: d.id, kind: .gaps, schedule: schedule.name, due: at, boundary: at, channel: d.channel, recipient: d.recipient,
                    mentions: [], person: nil, text: line)
            }
        }
        return out
    }
}
