import AlertCore
import Escalation
import Foundation

/// `klaxonctl incident show ID [--json]`: one incident and its whole timeline. ID is the full
/// id or the start of one open incident's id (see `IncidentContext.find`); a resolved incident
/// is readable for as long as the store keeps it.
///
/// Text: a header (title, status, severity, policy and step, opened, what is due next, repeats,
/// everyone paged so far, the alert's source and labels), then one line per timeline entry:
/// the time in UTC, in the policy's zone (unless UTC), and what happened, by whom, via which
/// path, paging whom (`channel:recipient`). JSON: one object, `IncidentView.summaryJSON` plus
/// `ack`, `timer`, `paged`, `time_zone`, the alert's fields and `timeline` (see
/// `IncidentView.json(_:)`).
enum IncidentShowCommand {
    static func run(_ a: Arguments, context ctx: IncidentContext, io: CtlIO) throws(CtlError) -> ExitCode {
        guard a.positional.count == 1 else { throw .usage("incident show: give one ID") }
        let view = ctx.view(try ctx.find(a.positional[0]).record)
        if a.has("json") {
            io.out(Output.json(json(view)))
        } else {
            for line in text(view) { io.out(line) }
        }
        return .ok
    }

    /// The page a person reads.
    static func text(_ v: IncidentView) -> [String] {
        let i = v.incident
        let policy = v.policy == nil ? "\(i.policy) (not in this config)" : i.policy
        var rows: [[String]] = [
            ["status", v.statusText],
            ["severity", v.alert.severity.isEmpty ? "-" : v.alert.severity],
            ["policy", "\(policy), \(v.step(i.step, loop: i.loop))"],
            ["opened", v.time(i.openedAt)],
        ]
        if let next = v.nextText { rows.append(["next", next]) }
        if i.repeats > 0 { rows.append(["repeats", "\(i.repeats) (the alert fired again; attached here, nobody paged for it)"]) }
        rows.append(["paged", IncidentView.targets(i.paged)])
        rows.append(["alert", "\(v.alert.source)/\(v.alert.integration), fingerprint \(i.fingerprint)"])
        if !v.alert.labels.isEmpty {
            rows.append(["labels", v.alert.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")])
        }
        if !v.alert.message.isEmpty { rows.append(["message", Output.clip(v.alert.message, 200)]) }
        var lines = ["incident \(i.id)  \(Output.clip(v.alert.title, 200))"]
        lines += Output.table(["", ""], rows).dropFirst().map { "  " + $0 }
        lines.append("timeline (UTC\(v.showsLocal ? ", then \(v.zone.identifier)" : "")):")
        lines += v.timelineLines.map { "  " + $0 }
        return lines
    }

    /// The object a script reads.
    static func json(_ v: IncidentView) -> [String: Any] {
        let i = v.incident
        var o = v.summaryJSON
        o["time_zone"] = v.zone.identifier
        o["generation"] = i.generation
        o["round"] = i.round
        o["source_resolved"] = i.sourceResolved
        o["resolved_at"] = Output.orNull(i.resolvedAt.map(Timestamps.format))
        let ack: [String: Any]? = i.ack.map { ["by": $0.by.rawValue, "via": $0.via.rawValue, "at": Timestamps.format($0.at)] }
        let timer: [String: Any]? = i.timer.map { ["kind": $0.kind.rawValue, "at": Timestamps.format($0.at)] }
        let paged: [String: Any] = [
            "people": i.paged.people.map(\.rawValue), "schedules": i.paged.schedules,
            "channels": Dictionary(i.paged.channels.map { ($0.channel.rawValue, $0.recipients) }, uniquingKeysWith: +),
        ]
        let alert: [String: Any] = [
            "id": v.alert.id, "source": v.alert.source, "integration": v.alert.integration, "message": v.alert.message,
            "labels": v.alert.labels, "status": v.alert.status.rawValue,
        ]
        o["ack"] = Output.orNull(ack)
        o["timer"] = Output.orNull(timer)
        o["paged"] = paged
        o["alert"] = alert
        o["timeline"] = i.timeline.map(v.json)
        return o
    }
}
