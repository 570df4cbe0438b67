/// `klaxonctl`: the operator's tool. All logic lives here so tests run it in-process with
/// captured output; `main.swift` only passes the process's arguments, environment and file
/// descriptors, and exits with the returned code (see `ExitCode`).
public enum Ctl {
    /// Runs one command line (without the program name) and returns the exit code. Blocking:
    /// broker calls run on the calling thread (call it off Swift's cooperative pool).
    public static func run(_ arguments: [String], environment: [String: String], io: CtlIO) -> Int32 {
        do {
            return try dispatch(arguments, environment: environment, io: io).rawValue
        } catch {
            io.err("klaxonctl: \(error.message)")
            if error.code == .usage && error.message.hasPrefix("unknown") { io.err("run klaxonctl help for usage") }
            return error.code.rawValue
        }
    }

    static func dispatch(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard let verb = args.first else {
            io.err(usage)
            return .usage
        }
        let rest = Array(args.dropFirst())
        switch verb {
        case "help", "--help", "-h":
            io.out(usage)
            return .ok
        case "config":
            guard rest.first == "check" else {
                throw .usage("unknown config verb \(rest.first.map { "\"\($0)\"" } ?? "(none)"); expected: config check PATH")
            }
            return try ConfigCheckCommand.run(Array(rest.dropFirst()), environment: environment, io: io)
        case "normalize":
            return try NormalizeCommand.run(rest, environment: environment, io: io)
        case "dlq":
            return try dlq(rest, environment: environment, io: io)
        case "topology":
            return try TopologyCommand.run(rest, environment: environment, io: io)
        case "oncall":
            return try OnCallCommand.run(rest, environment: environment, io: io)
        case "incident":
            return try IncidentsCommand.run(rest, environment: environment, io: io)
        case "shift":
            return try ShiftPreviewCommand.run(rest, environment: environment, io: io)
        default:
            throw .usage("unknown command \"\(verb)\"")
        }
    }

    static func dlq(_ args: [String], environment: [String: String], io: CtlIO) throws(CtlError) -> ExitCode {
        guard let verb = args.first else { throw .usage("dlq: expected list, peek, replay or purge") }
        let spec: (valued: Set<String>, flags: Set<String>)
        switch verb {
        case "list": spec = (["config"], ["json"])
        case "peek": spec = (["config", "limit"], ["json"])
        case "replay": spec = (["config", "limit", "match", "reason", "rate"], ["json", "dry-run"])
        case "purge": spec = (["config"], ["json", "yes"])
        default: throw .usage("unknown dlq verb \"\(verb)\"; expected list, peek, replay or purge")
        }
        let a = try Arguments.parse(Array(args.dropFirst()), valued: spec.valued, flags: spec.flags)
        let context = try DLQContext(a, environment: environment, io: io)
        switch verb {
        case "list": return try DLQListCommand.run(a, context: context, io: io)
        case "peek": return try DLQPeekCommand.run(a, context: context, io: io)
        case "replay": return try DLQReplayCommand.run(a, context: context, io: io)
        default: return try DLQPurgeCommand.run(a, context: context, io: io)
        }
    }

    public static let usage = """
        usage: klaxonctl COMMAND ...

          config check [PATH] [--skip-secrets]
              Validate a config file; print every problem with its path (exit 1) or "ok" and a
              summary. --skip-secrets (or --no-env): every *_env variable reads as a placeholder.
          normalize --source KIND [--config PATH] [--integration NAME] FILE|-
              Parse and normalize a payload as the gateway does; one alert JSON per line.
              Exit 2 with the gateway's reason when it would reject the payload.
          dlq list                                  dead-letter queues, depth, oldest message age
          dlq peek QUEUE [--limit N]                show messages without moving them (N=20)
          dlq replay QUEUE [--limit N] [--match label=value]... [--reason REGEX]
                           [--dry-run] [--rate N/s]  send messages back to their origin queue
          dlq purge QUEUE --yes                     delete every message of a dead-letter queue
          topology declare                          create the namespace's exchange and queues now
          topology delete --yes [--discard-messages]
                                                    remove them (to change queue type or arguments)

          oncall now [SCHEDULE] [--at T]            who is on call (every schedule, or one), until when
          oncall shifts SCHEDULE --from T --to T    the final timeline: person, start, end, layer/override
          oncall gaps SCHEDULE [--days 14] [--at T] when nobody is on call in the next N days
          oncall override add SCHEDULE --person ID [--covering ID] --from T --to T [--by NAME]
                                                    ID on call instead of --covering (or in addition);
                                                    prints the new override's id
          oncall override list [SCHEDULE]           run-time overrides (stored in Redis)
          oncall override remove ID
          oncall feed-url SCHEDULE | --person ID    the gateway's calendar feed URL (iCalendar)
          oncall sync-calendars                     fetch every calendar URL layer into Redis (a CronJob)

          shift preview SCHEDULE [--days 7] [--at T]  what klaxon-shift would announce: when, what, to whom, where
          incident list [--status S]                open incidents, newest first (resolved ones: show ID)
          incident show ID                          one incident and its timeline: steps, pages, acks, who, via
          incident ack|resolve|escalate ID [--as PERSON] [--wait [--timeout 30s]]
          incident snooze ID DURATION [--as PERSON] [--wait [--timeout 30s]]
                                                    ask klaxon-escalator to act (DURATION: 30m, 1h, 2h30m)

        dlq and topology options: --config PATH (or KLAXON_CONFIG) for the broker URL and namespace;
          --json prints one JSON object per line. QUEUE: a dead-letter queue or its work queue,
          with or without the namespace (notify.email, klaxon.notify.email.dlq).
        oncall options: --config PATH (or KLAXON_CONFIG) for people, schedules and Redis; --json
          (not feed-url). T: RFC 3339 (2026-03-28T09:00:00+01:00) or a date, midnight in the
          schedule's zone. Times print in the schedule's zone. Run-time overrides from Redis are
          applied; when Redis is unreachable, now/shifts/gaps answer from the config (exit 5).
        incident options: --config PATH (or KLAXON_CONFIG) for Redis, the broker and the policies;
          --json. ID: the full id, or the start (4+ characters) of one open incident's id. Times
          print in UTC and the policy's zone. ack|resolve|escalate|snooze check the incident, then
          publish one command with a confirm (by --as, else $USER); --wait polls until the
          escalator applied it (exit 1 when it has not within --timeout).

        exit codes: 0 ok, 1 operation failed (or invalid config), 2 usage error or payload
          rejected, 3 broker (oncall override: Redis; incident: either) unreachable, 4 queue,
          override or incident not found, 5 answered without Redis's run-time overrides or an
          unreadable calendar layer, 6 incident already resolved
        """
}
