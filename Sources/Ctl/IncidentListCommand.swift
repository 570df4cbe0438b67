import Escalation
import Foundation

/// `klaxonctl incident list [--status S]... [--json]`: the open incidents (triggered,
/// acknowledged, snoozed), newest first. Resolved ones are not in the open set; `show ID` reads
/// one for as long as the store keeps it.
///
/// Table: `ID POLICY STATUS SEVERITY STEP OPENED ACK-BY TITLE` (STEP counts from 1: `2/3`, with
/// the pass when the policy repeats, `ran out` when the steps are exhausted; OPENED in UTC).
/// JSON: one object per incident (`IncidentView.summaryJSON`). `--status` keeps the incidents in
/// any of the given states (repeatable, or comma-separated).
enum IncidentListCommand {
    static func run(_ a: Arguments, context ctx: IncidentContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.isEmpty else { throw .usage("incident list takes no ID (incident show ID shows one)") }
        let statuses = try filter(a.values("status"))
        let views = try ctx.openRecords()
            .filter { statuses.isEmpty || statuses.contains($0.incident.status) }
            .sorted { ($0.incident.openedAt, $0.incident.id) > ($1.incident.openedAt, $1.incident.id) }
            .map(ctx.view)
        if a.has("json") {
            for v in views { io.out(Output.json(v.summaryJSON)) }
            return .ok
        }
        if views.isEmpty {
            io.out(
                statuses.isEmpty ? "no open incidents" : "no open incidents that are \(statuses.map(\.rawValue).sorted().joined(separator: " or "))")
            return .ok
        }
        let header = ["ID", "POLICY", "STATUS", "SEVERITY", "STEP", "OPENED", "ACK-BY", "TITLE"]
        for line in Output.table(header, views.map(\.listRow)) { io.out(line) }
        return .ok
    }

    /// The states `--status` names; a usage error naming the option for anything else.
    static func filter(_ values: [String]) throws(CtlError) -> Set<IncidentStatus> {
        var out: Set<IncidentStatus> = []
        for name in values.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }) {
            guard let status = IncidentStatus(rawValue: name), status != .resolved else {
                throw .usage(
                    name == IncidentStatus.resolved.rawValue
                        ? "--status: list shows open incidents only (resolved ones are not in the open set; incident show ID reads one)"
                        : "--status: expected triggered, acknowledged or snoozed, got \"\(name)\"")
            }
            out.insert(status)
        }
        return out
    }
}
