import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import OnCall

/// `klaxonctl incident ack|resolve|escalate ID` and `incident snooze ID DURATION`, each with
/// `[--as PERSON] [--wait [--timeout DURATION]] [--json]`: asks `klaxon-escalator` to act on an
/// incident.
///
/// Checks first that the incident exists (exit 4) and is not resolved (exit 6), then publishes
/// one `IncidentCommand` (a fresh id, `via: cli`, `by`: `--as`, else `$USER`, else `cli`) to the
/// escalation queue, `mandatory`, and waits for the broker's confirm: once it returns, the
/// command is stored and the escalator applies it (once, even if redelivered). It does not
/// change the incident itself: every path (link, API, CLI, phone key) is one event on one queue.
///
/// - `--as` must name a person of the config when the config has people (a typo would put a
///   stranger's name on the acknowledgement, and its reminder would reach nobody); an
///   acknowledgement by a `$USER` who is not a person is published with a note on stderr.
/// - DURATION: `30m`, `1h`, `2h30m` (`parseDurationMillis`), from 1m to 7d.
/// - `--wait` polls the store until the escalator has applied the command (its id among the
///   record's applied ids, or the action in the timeline), up to `--timeout` (default 30s), and
///   prints the incident's state then; not applied in time is exit 1 (the command stays queued).
enum IncidentActionCommand {
    /// The options every action takes.
    static let options: (valued: Set<String>, flags: Set<String>) = (["config", "as", "timeout"], ["json", "wait"])
    /// Snooze bounds: shorter is noise, longer is better a resolve (and a typo of `30d` for `30m`
    /// would silence a page for a month).
    static let snoozeRange: ClosedRange<Int64> = 60_000...(7 * 86_400_000)
    static let defaultWaitMillis: Int64 = 30_000
    static let pollMillis: Int64 = 200

    static func run(
        _ action: IncidentCommand.Action, _ a: Arguments, context ctx: IncidentContext, environment: [String: String], io: CtlIO
    ) throws(CtlError) -> ExitCode {
        let verb = action == .acknowledge ? "ack" : action.rawValue
        let now = Date()
        var until: Date? = nil
        if action == .snooze {
            guard a.positional.count == 2 else { throw .usage("incident snooze: give ID and DURATION (e.g. incident snooze 3f2a9c01 30m)") }
            until = now.addingTimeInterval(Double(try snoozeMillis(a.positional[1])) / 1000)
        } else {
            guard a.positional.count == 1 else { throw .usage("incident \(verb): give one ID") }
        }
        let waitMillis = try timeout(a)
        let by = try actor(a, context: ctx, environment: environment)

        let found = try ctx.find(a.positional[0])
        let incident = found.record.incident
        guard incident.status != .resolved else {
            let view = ctx.view(found.record)
            throw CtlError(.conflict, "incident \(incident.id) is already \(view.statusText); nothing to \(verb)")
        }
        let command = IncidentCommand(
            id: "cli-" + UUID().uuidString.lowercased(), incidentID: incident.id, action: action, by: by, via: .cli, until: until, at: now)
        try publish(command, context: ctx)
        let people = ctx.config.people.map(\.id)
        if action == .acknowledge && a.value("as") == nil && !people.isEmpty && !people.contains(PersonID(by)) {
            io.err("klaxonctl: note: \(by) is not a person in \(ctx.configPath); --as PERSON names who acknowledges (reminders go to them)")
        }

        let requested = until.map { "\(action.rawValue) until \(IncidentView.utc($0))" } ?? action.rawValue
        var o: [String: Any] = [
            "command_id": command.id, "incident": incident.id, "action": action.rawValue, "by": by, "via": command.via.rawValue,
            "at": Timestamps.format(now), "until": Output.orNull(until.map(Timestamps.format)),
        ]
        if !a.has("json") { io.out("\(requested) requested for incident \(incident.id) by \(by); the escalator applies it") }
        guard let waitMillis else {
            if a.has("json") { io.out(Output.json(o)) }
            return .ok
        }
        let applied = try wait(for: command, after: incident.timeline.count, millis: waitMillis, context: ctx)
        o["applied"] = applied != nil
        if let applied {
            let view = ctx.view(applied)
            o["status"] = applied.incident.status.rawValue
            if a.has("json") { io.out(Output.json(o)) } else { io.out("applied: incident \(incident.id) is now \(view.statusText)") }
            return .ok
        }
        if a.has("json") { io.out(Output.json(o)) }
        io.err(
            "klaxonctl: the escalator has not applied it within \(formatDurationMillis(waitMillis)) (is klaxon-escalator running?); the command stays queued and is applied when it runs"
        )
        return .failure
    }

    /// DURATION in milliseconds, or a usage error naming it.
    static func snoozeMillis(_ text: String) throws(CtlError) -> Int64 {
        guard let ms = parseDurationMillis(text) else {
            throw .usage("DURATION: expected a duration such as 30m, 1h or 2h30m, got \"\(text)\"")
        }
        guard snoozeRange.contains(ms) else {
            throw .usage("DURATION: a snooze lasts from 1m to 7d, got \(text) (resolve the incident instead of a longer snooze)")
        }
        return ms
    }

    /// `--timeout` in milliseconds when `--wait` is given (default 30s); nil without `--wait`.
    static func timeout(_ a: Arguments) throws(CtlError) -> Int64? {
        guard a.has("wait") else {
            if a.value("timeout") != nil { throw .usage("--timeout: only with --wait") }
            return nil
        }
        guard let text = a.value("timeout") else { return defaultWaitMillis }
        guard let ms = parseDurationMillis(text), ms >= 1000 else {
            throw .usage("--timeout: expected a duration of at least 1s such as 30s or 2m, got \"\(text)\"")
        }
        return ms
    }

    /// Who acts: `--as` (a person of the config when it has people), else `$USER`, else `cli`.
    static func actor(_ a: Arguments, context ctx: IncidentContext, environment: [String: String]) throws(CtlError) -> String {
        if let name = a.value("as") {
            let people = ctx.config.people.map(\.id)
            guard !name.isEmpty, people.isEmpty || people.contains(PersonID(name)) else {
                let known = people.map(\.rawValue).sorted().joined(separator: ", ")
                throw .usage("--as: no person \"\(name)\" in \(ctx.configPath) (people: \(known))")
            }
            return name
        }
        if let user = environment["USER"], !user.isEmpty { return user }
        return "cli"
    }

    /// Publishes `command` to the command queue and waits for the broker's confirm.
    static func publish(_ command: IncidentCommand, context ctx: IncidentContext) throws(CtlError) {
        let conn = try ctx.connect()
        defer { conn.close() }
        let queue = ctx.topology.commandQueue
        do {
            try conn.publishConfirmed(OutboundMessage(.command(command), topology: ctx.topology))
        } catch {
            if error.isUnroutable {
                throw CtlError(
                    .failure,
                    "nothing requested: no queue \(queue) on the broker (klaxonctl topology declare creates it; klaxon-escalator declares it at start)"
                )
            }
            if error.isNotFound {
                throw CtlError(
                    .failure,
                    "nothing requested: no exchange \(ctx.topology.exchange) on the broker (klaxonctl topology declare creates it; klaxon-escalator declares it at start)"
                )
            }
            if error.isNacked { throw CtlError(.failure, "nothing requested: the broker refused the command (\(error))") }
            if error.isUnavailable {
                throw CtlError(.unreachable, "lost the broker while publishing the command (\(error)); it may or may not be queued")
            }
            throw CtlError(.failure, "cannot publish the command: \(error)")
        }
    }

    /// Polls the store until the escalator applied `command`: its id is among the record's
    /// applied ids, or a timeline entry after the first `after` is this action by this person
    /// via the CLI. The record then, or nil after `millis`.
    static func wait(for command: IncidentCommand, after: Int, millis: Int64, context ctx: IncidentContext) throws(CtlError) -> IncidentRecord? {
        let deadline = Date().addingTimeInterval(Double(millis) / 1000)
        while true {
            if let record = try ctx.load(command.incidentID)?.record,
                record.hasApplied(command.id) || record.incident.timeline.dropFirst(after).contains(where: { matches($0, command) })
            {
                return record
            }
            if Date() >= deadline { return nil }
            usleep(useconds_t(pollMillis * 1000))
        }
    }

    /// Whether `entry` records `command`'s action by its person via the CLI.
    static func matches(_ entry: TimelineEntry, _ command: IncidentCommand) -> Bool {
        let by = PersonID(command.by)
        switch (entry.what, command.action) {
        case (.acknowledged(by, .cli), .acknowledge), (.resolved(by, .cli), .resolve), (.escalated(by, .cli), .escalate): return true
        case (.snoozed(let until, by, .cli), .snooze): return until == command.until
        default: return false
        }
    }
}
