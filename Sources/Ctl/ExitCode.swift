/// `klaxonctl`'s exit codes, the same for every verb, so scripts can trust them.
public enum ExitCode: Int32, Sendable {
    /// Done as asked (also: `config check` found no problem; `replay --dry-run` listed).
    case ok = 0
    /// An operation failed: an invalid config, a publish the broker refused, a message that
    /// could not be moved, the connection lost in the middle of a run.
    case failure = 1
    /// Bad command line (unknown verb or option, missing value, `purge` without `--yes`), or
    /// input the gateway would reject (`normalize`).
    case usage = 2
    /// The broker cannot be reached (connect, login, or the connection dropped); for the
    /// `oncall override` verbs, Redis cannot be reached; for `incident` verbs, either.
    case unreachable = 3
    /// The queue is not a dead-letter queue of this config's namespace, or does not exist on the
    /// broker; `oncall override remove`: no override has that id; `incident`: no incident has
    /// that id.
    case notFound = 4
    /// Answered, but from less than it should have: `oncall now`, `shifts` and `gaps` could not
    /// reach Redis (run-time overrides not applied) or read an iCalendar layer; stderr says what.
    case degraded = 5
    /// The thing exists but is past acting on: `incident ack|resolve|snooze|escalate` on a
    /// resolved incident (nothing was published).
    case conflict = 6
}

/// A failure that ends a `klaxonctl` command with its exit code and a message for stderr.
public struct CtlError: Error, Sendable, CustomStringConvertible {
    public var code: ExitCode
    public var message: String

    public init(_ code: ExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func usage(_ message: String) -> CtlError { CtlError(.usage, message) }
}
