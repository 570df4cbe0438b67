import AlertCore
import Foundation
import OnCall

/// `klaxonctl oncall now [SCHEDULE] [--at T] [--json]`: who is on call at T (default: now) in
/// every schedule (sorted by name) or one, with run-time overrides from Redis applied, and until
/// when (the end of their shift, looked up to 60 days ahead).
///
/// Table: `SCHEDULE PERSON NAME SOURCE UNTIL`, one row per person, a `-` row for a gap. JSON: one
/// object per schedule, `{"schedule", "time_zone", "at", "on_call": [{"person", "name",
/// "source", "layer"|"override", "until"}], "overrides_applied"}`; `on_call` is empty in a gap.
/// Redis unreachable: stderr says so and the answer comes from the config (exit 5).
enum OnCallNowCommand {
    static let lookAhead: Double = 60 * 86_400

    static func run(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count <= 1 else { throw .usage("oncall now takes at most one SCHEDULE") }
        let names = try a.positional.first.map { name throws(CtlError) in [try ctx.schedule(name).name] } ?? ctx.config.schedules.map(\.name).sorted()
        let zone = a.positional.first.flatMap { n in ctx.config.schedules.first { $0.name == n }?.timeZone } ?? .gmt
        let at = try a.value("at").map { t throws(CtlError) in try OnCallContext.time(t, option: "--at", zone: zone) } ?? Date()
        if names.isEmpty {
            io.err("klaxonctl: \(ctx.configPath) defines no schedules")
            return .ok
        }
        let (roster, degraded) = ctx.roster(from: at, to: at.addingTimeInterval(lookAhead), io: io)
        var rows: [[String]] = []
        for name in names {
            guard let schedule = roster.schedules[name] else { continue }
            let entries = onCall(schedule, at: at)
            if a.has("json") {
                let people: [[String: Any]] = entries.map { e in
                    [
                        "person": e.shift.personID.rawValue, "name": roster.people[e.shift.personID]?.name ?? e.shift.personID.rawValue,
                        "until": Output.orNull(e.until.map { OnCallContext.format($0, in: schedule.timeZone) }),
                    ]
                    .merging(OnCallContext.json(e.shift.source, in: schedule)) { a, _ in a }
                }
                io.out(
                    Output.json([
                        "schedule": name, "time_zone": schedule.timeZone.identifier, "at": OnCallContext.format(at, in: schedule.timeZone),
                        "on_call": people, "overrides_applied": !degraded,
                    ]))
            } else if entries.isEmpty {
                let end =
                    schedule.gaps(from: at, to: at.addingTimeInterval(lookAhead)).first.map { g in
                        g.end < at.addingTimeInterval(lookAhead) ? OnCallContext.format(g.end, in: schedule.timeZone) : "-"
                    } ?? "-"
                rows.append([name, "-", "(nobody on call)", "-", end])
            } else {
                for e in entries {
                    rows.append([
                        name, e.shift.personID.rawValue, roster.people[e.shift.personID]?.name ?? "",
                        OnCallContext.describe(e.shift.source, in: schedule),
                        e.until.map { OnCallContext.format($0, in: schedule.timeZone) } ?? "-",
                    ])
                }
            }
        }
        if !a.has("json") { for line in Output.table(["SCHEDULE", "PERSON", "NAME", "SOURCE", "UNTIL"], rows) { io.out(line) } }
        return degraded ? .degraded : .ok
    }

    /// Each shift running at `at`, with its end when it ends within the look-ahead.
    static func onCall(_ schedule: Schedule, at: Date) -> [(shift: Shift, until: Date?)] {
        let horizon = at.addingTimeInterval(lookAhead)
        return schedule.shifts(from: at, to: horizon).filter { $0.start <= at && $0.end > at }.map { ($0, $0.end < horizon ? $0.end : nil) }
    }
}
