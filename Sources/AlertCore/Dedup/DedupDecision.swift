/// What dedup decided for one alert. Pure: the worker feeds it Redis' answers.
public enum DedupDecision: Sendable, Equatable {
    /// Forward it; `suppressedRepeats` repeats were suppressed since the last one that passed.
    case passed(suppressedRepeats: Int)
    /// A repeat inside the window: ack without forwarding (counted).
    case suppressed
    /// `resolved` always passes; its window and counter are cleared.
    case resolved(suppressedRepeats: Int)
    /// Redis unreachable and `fail_open`: forwarded without a decision.
    case failOpen

    /// The value of the `decision` label of `klaxon_dedup_decisions_total`.
    public var metricLabel: String {
        switch self {
        case .passed: "passed"
        case .suppressed: "suppressed"
        case .resolved: "resolved"
        case .failOpen: "fail_open"
        }
    }

    /// Every `decision` label, to register the series at start-up.
    public static let metricLabels = ["passed", "suppressed", "resolved", "fail_open"]

    /// Whether the alert goes on to the router.
    public var forwards: Bool { self != .suppressed }

    /// The count to write into the forwarded alert (`nil`: leave the body as it is).
    public var repeatsToReport: Int? {
        switch self {
        case .passed(let n), .resolved(let n): n > 0 ? n : nil
        default: nil
        }
    }

    /// From the firing script's integer reply: `n >= 0` passes with `n` repeats, `-1` suppressed.
    public static func firing(reply n: Int64) -> DedupDecision {
        n < 0 ? .suppressed : .passed(suppressedRepeats: Int(n))
    }

    /// From the resolved script's integer reply: the repeats suppressed before it (negative
    /// replies cannot happen and count as none).
    public static func resolved(reply n: Int64) -> DedupDecision {
        .resolved(suppressedRepeats: Int(max(0, n)))
    }
}

/// What to do with a batch when Redis cannot be reached.
public enum RedisOutagePolicy: Sendable, Equatable {
    /// Forward every firing alert undecided (and resolved ones, as always).
    case failOpen
    /// Keep the batch unacked and ask Redis again after a pause.
    case hold
    /// The process is stopping while holding: hand the batch to the retry path (delay queue,
    /// published with confirm before the ack), never acking it undecided.
    case giveBack

    public static func decide(failOpen: Bool, stopping: Bool) -> RedisOutagePolicy {
        if failOpen { return .failOpen }
        return stopping ? .giveBack : .hold
    }
}
