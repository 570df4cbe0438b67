/// `klaxonctl incident …`: the escalator's incidents. `list` and `show` read them from Redis.
/// (Plural, because `IncidentCommand` is the escalator's message for a person's action.)
enum IncidentsCommand {
    static let verbs = "list or show"

    static func run(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard let verb = args.first else { throw .usage("incident: expected \(verbs)") }
        let spec: (valued: Set<String>, flags: Set<String>)
        switch verb {
        case "list": spec = (["config", "status"], ["json"])
        case "show": spec = (["config"], ["json"])
        default: throw .usage("unknown incident verb \"\(verb)\"; expected \(verbs)")
        }
        let a = try Arguments.parse(Array(args.dropFirst()), valued: spec.valued, flags: spec.flags)
        let ctx = try IncidentContext(a, environment: environment, io: io, needsBroker: false)
        defer { ctx.close() }
        return verb == "list" ? try IncidentListCommand.run(a, context: ctx, io: io) : try IncidentShowCommand.run(a, context: ctx, io: io)
    }
}
