/// `klaxonctl oncall …`: who is on call (`now`, `shifts`, `gaps`), run-time overrides
/// (`override add|list|remove`) and calendar feed URLs (`feed-url`). Synchronous like every
/// verb: Redis is reached through `BlockingOverrideStore` on the calling thread.
enum OnCallCommand {
    static let verbs = "now, shifts, gaps, override, feed-url or sync-calendars"

    static func run(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard let verb = args.first else { throw .usage("oncall: expected \(verbs)") }
        var rest = Array(args.dropFirst())
        let spec: (valued: Set<String>, flags: Set<String>)
        var sub = ""
        switch verb {
        case "now": spec = (["config", "at"], ["json"])
        case "shifts": spec = (["config", "from", "to"], ["json"])
        case "gaps": spec = (["config", "days", "at"], ["json"])
        case "feed-url": spec = (["config", "person"], [])
        case "sync-calendars": spec = (["config"], ["json"])
        case "override":
            sub = rest.first ?? ""
            rest = Array(rest.dropFirst())
            switch sub {
            case "add": spec = (["config", "person", "covering", "from", "to", "by"], ["json"])
            case "list": spec = (["config"], ["json"])
            case "remove": spec = (["config"], [])
            default: throw .usage("oncall override: expected add, list or remove\(sub.isEmpty ? "" : ", got \"\(sub)\"")")
            }
        default:
            throw .usage("unknown oncall verb \"\(verb)\"; expected \(verbs)")
        }
        let a = try Arguments.parse(rest, valued: spec.valued, flags: spec.flags)
        let ctx = try OnCallContext(
            a, environment: environment, io: io,
            needed: verb == "feed-url" ? ["oncall.feed_secret_env"] : ["redis.password_env"])
        switch (verb, sub) {
        case ("now", _): return try OnCallNowCommand.run(a, context: ctx, io: io)
        case ("shifts", _): return try OnCallShiftsCommand.run(a, context: ctx, io: io)
        case ("gaps", _): return try OnCallGapsCommand.run(a, context: ctx, io: io)
        case ("feed-url", _): return try OnCallFeedURLCommand.run(a, context: ctx, io: io)
        case ("sync-calendars", _): return try OnCallSyncCommand.run(a, context: ctx, io: io)
        case (_, "add"): return try OnCallOverrideCommand.add(a, context: ctx, environment: environment, io: io)
        case (_, "list"): return try OnCallOverrideCommand.list(a, context: ctx, io: io)
        default: return try OnCallOverrideCommand.remove(a, context: ctx, io: io)
        }
    }
}
