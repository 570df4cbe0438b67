import AlertCore
import Foundation
import OnCall
import ShiftPlan

/// `klaxonctl shift preview SCHEDULE [--days 7] [--at T] [--json]`: what `klaxon-shift` would
/// announce for the schedule from T (default now) over the next N days: when, what, to whom, on
/// which channel. Resolves the same roster as `oncall shifts` (run-time overrides from Redis);
/// a schedule without `announce:` announces nothing and says so.
///
/// Table: `DUE KIND CHANNEL RECIPIENT TEXT`, due in the schedule's zone. JSON: one object per
/// announcement, `{"id", "schedule", "kind", "due", "boundary", "channel", "recipient",
/// "mentions", "person", "text"}`.
enum ShiftPreviewCommand {
    static func run(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard args.first == "preview" else { throw .usage("shift: expected preview SCHEDULE [--days 7] [--at T] [--json]") }
        let a = try Arguments.parse(Array(args.dropFirst()), valued: ["config", "days", "at"], flags: ["json"])
        let ctx = try OnCallContext(a, environment: environment, io: io)
        guard a.positional.count == 1 else { throw .usage("shift preview: give one SCHEDULE") }
        let config = try ctx.schedule(a.positional[0])
        guard let settings = config.announce else {
            io.err("klaxonctl: schedule \(config.name) has no announce: settings; klaxon-shift announces nothing for it")
            return .ok
        }
        let days = try a.int("days", min: 1) ?? 7
        guard days <= 60 else { throw .usage("--days: at most 60, got \(days)") }
        let from = try a.value("at").map { t throws(CtlError) in try OnCallContext.time(t, option: "--at", zone: config.timeZone) } ?? Date()
        let to = from.addingTimeInterval(Double(days) * 86_400)
        let (roster, degraded) = ctx.roster(from: from.addingTimeInterval(-86_400), to: to.addingTimeInterval(ShiftPlanner.lookahead), io: io)
        guard let schedule = roster.schedules[config.name] else { return .failure }
        let list = ShiftPlanner(roster: roster, schedule: schedule, settings: settings).announcements(from: from, to: to)
        let zone = schedule.timeZone
        if a.has("json") {
            for x in list {
                io.out(
                    Output.json([
                        "id": x.id, "schedule": x.schedule, "kind": x.kind.rawValue, "due": OnCallContext.format(x.due, in: zone),
                        "boundary": OnCallContext.format(x.boundary, in: zone), "channel": x.channel, "recipient": x.recipient,
                        "mentions": x.mentions, "person": x.person?.rawValue ?? "", "text": x.text,
                    ]))
            }
        } else if list.isEmpty {
            io.out("nothing to announce for \(schedule.name) in the next \(days) days")
        } else {
            let rows = list.map { x in [OnCallContext.format(x.due, in: zone), x.kind.rawValue, x.channel, x.recipient, x.text] }
            for line in Output.table(["DUE", "KIND", "CHANNEL", "RECIPIENT", "TEXT"], rows) { io.out(line) }
        }
        return degraded ? .degraded : .ok
    }
}
