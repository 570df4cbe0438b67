/// A schedule's `announce:` settings: what `klaxon-shift` tells about its hand-overs.
public struct AnnounceConfig: Sendable, Hashable {
    /// The team's channels (robots, e-mail lists): told at each hand-over with the incoming
    /// person @-mentioned, and weekly of the gaps in the next 14 days.
    public var team: [ChannelTarget] = []
    /// How long before a shift starts its person is reminded (seconds, in config order).
    public var remindBeforeSeconds: [Int] = []
    /// A boundary missed while every replica was down is still announced (marked late) up to this
    /// long after it; older ones are skipped and counted.
    public var graceSeconds: Int = 15 * 60
    /// Confirmed shifts: at each shift start, an incident for the incoming person is opened
    /// through this escalation policy, so they acknowledge it, or the policy escalates.
    public var confirmPolicy: String?

    public init(team: [ChannelTarget] = [], remindBeforeSeconds: [Int] = [], graceSeconds: Int = 15 * 60, confirmPolicy: String? = nil) {
        self.team = team
        self.remindBeforeSeconds = remindBeforeSeconds
        self.graceSeconds = graceSeconds
        self.confirmPolicy = confirmPolicy
    }
}
