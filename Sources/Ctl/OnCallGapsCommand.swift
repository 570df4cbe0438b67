import AlertCore
import Foundation
import OnCall

/// `klaxonctl oncall gaps SCHEDULE [--days N] [--at T] [--json]`: the intervals within the next N
/// days (default 14) from T (default now) when nobody is on call, with run-time overrides
/// applied. A route that pages this schedule notifies its fallback then.
///
/// Table: `START END HOURS` in the schedule's zone, or one line saying there is none. JSON: one
/// object per gap, `{"schedule", "start", "end", "seconds"}` (nothing when there is none).
enum OnCallGapsCommand {
    static func run(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("oncall gaps: give one SCHEDULE") }
        let config = try ctx.schedule(a.positional[0])
        let days = try a.int("days", min: 1) ?? 14
        guard days <= 1000 else { throw .usage("--days: at most 1000, got \(days)") }
        let from = try a.value("at").map { t throws(CtlError) in try OnCallContext.time(t, option: "--at", zone: config.timeZone) } ?? Date()
        let to = from.addingTimeInterval(Double(days) * 86_400)
        let (roster, degraded) = ctx.roster(from: from, to: to, io: io)
        guard let schedule = roster.schedules[config.name] else { return .failure }
        let gaps = schedule.gaps(from: from, to: to)
        let zone = schedule.timeZone
        if a.has("json") {
            for g in gaps {
                io.out(
                    Output.json([
                        "schedule": schedule.name, "start": OnCallContext.format(g.start, in: zone),
                        "end": OnCallContext.format(g.end, in: zone), "seconds": Int(g.duration.rounded()),
                    ]))
            }
        } else if gaps.isEmpty {
            io.out("no gaps in \(schedule.name) from \(OnCallContext.format(from, in: zone)) to \(OnCallContext.format(to, in: zone))")
        } else {
            let rows = gaps.map { g in
                [OnCallContext.format(g.start, in: zone), OnCallContext.format(g.end, in: zone), String(format: "%.1f", g.duration / 3600)]
            }
            for line in Output.table(["START", "END", "HOURS"], rows) { io.out(line) }
        }
        return degraded ? .degraded : .ok
    }
}
