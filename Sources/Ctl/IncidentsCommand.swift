import Escalation

/// `klaxonctl incident …`: the escalator's incidents. `list` and `show` read them from Redis;
/// `ack`, `resolve`, `escalate` and `snooze` publish one `IncidentCommand` on the escalation
/// queue, which `klaxon-escalator` applies. (Plural, because `IncidentCommand` is that message.)
enum IncidentsCommand {
    static let verbs = "list, show, ack, resolve, snooze or escalate"

    static func run(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard let verb = args.first else { throw .usage("incident: expected \(verbs)") }
        let action: IncidentCommand.Action?
        let spec: (valued: Set<String>, flags: Set<String>)
        switch verb {
        case "list": (action, spec) = (nil, (["config", "status"], ["json"]))
        case "show": (action, spec) = (nil, (["config"], ["json"]))
        case "ack", "acknowledge": (action, spec) = (.acknowledge, IncidentActionCommand.options)
        case "resolve": (action, spec) = (.resolve, IncidentActionCommand.options)
        case "escalate": (action, spec) = (.escalate, IncidentActionCommand.options)
        case "snooze": (action, spec) = (.snooze, IncidentActionCommand.options)
        default: throw .usage("unknown incident verb \"\(verb)\"; expected \(verbs)")
        }
        let a = try Arguments.parse(Array(args.dropFirst()), valued: spec.valued, flags: spec.flags)
        let ctx = try IncidentContext(a, environment: environment, io: io, needsBroker: action != nil)
        defer { ctx.close() }
        if let action { return try IncidentActionCommand.run(action, a, context: ctx, environment: environment, io: io) }
        return verb == "list" ? try IncidentListCommand.run(a, context: ctx, io: io) : try IncidentShowCommand.run(a, context: ctx, io: io)
    }
}
