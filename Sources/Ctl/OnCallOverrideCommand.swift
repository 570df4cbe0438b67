import AlertCore
import Foundation
import OnCall
import OnCallRuntime

/// `klaxonctl oncall override add|list|remove`: run-time overrides in Redis, which every
/// process applies within a second (`RosterCache`).
///
/// - `add SCHEDULE --person ID [--covering ID] --from T --to T [--by NAME]`: with `--covering`,
///   ID is on call instead of that person wherever they are scheduled; without, in addition to
///   the schedule. Checked against the config first (`StoredOverride.problems`): a bad value is
///   a usage error (exit 2) naming the option. Prints the new id (`ov-` and 8 hex digits).
/// - `list [SCHEDULE] [--json]`: the stored overrides, sorted by start (config overrides are in
///   the config file and not listed). JSON: one object per override, `StoredOverride`'s fields.
/// - `remove ID`: exit 4 when no override has that id.
///
/// Redis unreachable: exit 3, nothing changed.
enum OnCallOverrideCommand {
    static func add(_ a: Arguments, context ctx: OnCallContext, environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("oncall override add: give one SCHEDULE") }
        let name = a.positional[0]
        let zone = ctx.config.schedules.first { $0.name == name }?.timeZone ?? .gmt
        guard let person = a.value("person") else { throw .usage("--person: required (the id of who is on call)") }
        guard let fromText = a.value("from") else { throw .usage("--from: required (RFC 3339 time or date)") }
        guard let toText = a.value("to") else { throw .usage("--to: required (RFC 3339 time or date)") }
        let from = try OnCallContext.time(fromText, option: "--from", zone: zone)
        let to = try OnCallContext.time(toText, option: "--to", zone: zone)
        let o = StoredOverride(
            id: newID(), schedule: name, person: person, covering: a.value("covering"), from: from, to: to,
            createdBy: a.value("by") ?? environment["USER"] ?? "klaxonctl", createdAt: Date())
        let problems = o.problems(people: ctx.personIDs, schedules: ctx.scheduleNames)
        guard problems.isEmpty else { throw .usage(problems.map(optionNamed).joined(separator: "; ")) }
        do { try ctx.store().add(o) } catch {
            throw CtlError(.unreachable, "cannot store the override: Redis at \(ctx.redisAddress): \(error)")
        }
        if a.has("json") { io.out(o.json()) } else { io.out(o.id) }
        return .ok
    }

    static func list(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count <= 1 else { throw .usage("oncall override list takes at most one SCHEDULE") }
        let all: [StoredOverride]
        do { all = try ctx.store().all() } catch {
            throw CtlError(.unreachable, "cannot read overrides: Redis at \(ctx.redisAddress): \(error)")
        }
        let shown = all.filter { o in a.positional.first.map { o.schedule == $0 } ?? true }
        if a.has("json") {
            for o in shown { io.out(o.json()) }
            return .ok
        }
        let rows = shown.map { o -> [String] in
            let zone = ctx.config.schedules.first { $0.name == o.schedule }?.timeZone ?? .gmt
            return [
                o.id, o.schedule, o.person, o.covering ?? "-", OnCallContext.format(o.from, in: zone), OnCallContext.format(o.to, in: zone),
                o.createdBy,
            ]
        }
        for line in Output.table(["ID", "SCHEDULE", "PERSON", "COVERING", "FROM", "TO", "BY"], rows) { io.out(line) }
        return .ok
    }

    static func remove(_ a: Arguments, context ctx: OnCallContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("oncall override remove: give one ID") }
        let id = a.positional[0]
        let existed: Bool
        do { existed = try ctx.store().remove(id: id) } catch {
            throw CtlError(.unreachable, "cannot remove the override: Redis at \(ctx.redisAddress): \(error)")
        }
        guard existed else { throw CtlError(.notFound, "no override with id \(id) (klaxonctl oncall override list shows them)") }
        io.out("removed \(id)")
        return .ok
    }

    /// `ov-` and 8 random hex digits.
    static func newID() -> String {
        let hex = String(UInt32.random(in: .min ... .max), radix: 16)
        return "ov-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `StoredOverride.problems` name fields (`person: …`); on the command line they are options.
    static func optionNamed(_ problem: String) -> String {
        if problem.hasPrefix("schedule:") { return "SCHEDULE:" + problem.dropFirst("schedule:".count) }
        for field in ["person", "covering", "from", "to"] where problem.hasPrefix(field + ":") { return "--" + problem }
        return problem
    }
}
