import AlertCore
import Foundation
import OnCall

/// `klaxonctl oncall shifts SCHEDULE --from T --to T [--json]`: the schedule's final timeline over
/// `[from, to)` (layers, config and run-time overrides resolved), clipped to the range. T is RFC
/// 3339 or a date (local midnight in the schedule's zone).
///
/// Table: `PERSON NAME START END SOURCE`, times in the schedule's zone. JSON: one object per
/// shift, `{"schedule", "person", "name", "start", "end", "source", "layer"|"override"}`.
enum OnCallShiftsCommand {
    /// The longest range one call resolves.
    static let maxDays: Double = 3 * 366

    static func run(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("oncall shifts: give one SCHEDULE") }
        let config = try ctx.schedule(a.positional[0])
        guard let fromText = a.value("from") else { throw .usage("--from: required (RFC 3339 time or date)") }
        guard let toText = a.value("to") else { throw .usage("--to: required (RFC 3339 time or date)") }
        let from = try OnCallContext.time(fromText, option: "--from", zone: config.timeZone)
        let to = try OnCallContext.time(toText, option: "--to", zone: config.timeZone)
        guard to > from else { throw .usage("--to: must be after --from") }
        guard to.timeIntervalSince(from) <= maxDays * 86_400 else { throw .usage("--to: at most \(Int(maxDays)) days after --from") }
        let (roster, degraded) = ctx.roster(from: from, to: to, io: io)
        guard let schedule = roster.schedules[config.name] else { return .failure }
        let shifts = schedule.shifts(from: from, to: to)
        let zone = schedule.timeZone
        let name = { (id: PersonID) in roster.people[id]?.name ?? id.rawValue }
        if a.has("json") {
            for s in shifts {
                io.out(
                    Output.json(
                        [
                            "schedule": schedule.name, "person": s.personID.rawValue, "name": name(s.personID),
                            "start": OnCallContext.format(s.start, in: zone), "end": OnCallContext.format(s.end, in: zone),
                        ]
                        .merging(OnCallContext.json(s.source, in: schedule)) { a, _ in a }))
            }
        } else {
            let rows = shifts.map { s in
                [
                    s.personID.rawValue, name(s.personID), OnCallContext.format(s.start, in: zone), OnCallContext.format(s.end, in: zone),
                    OnCallContext.describe(s.source, in: schedule),
                ]
            }
            for line in Output.table(["PERSON", "NAME", "START", "END", "SOURCE"], rows) { io.out(line) }
        }
        return degraded ? .degraded : .ok
    }
}
