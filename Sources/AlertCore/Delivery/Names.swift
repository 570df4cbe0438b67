// Every name the fleet shares, in one file: the broker's exchange, queues and headers
// (`Topology`) and Redis's keys (`RedisKeys`).

/// Every exchange, queue and header name of the broker topology, in one place. Work queues are
/// bound to one direct exchange with their own name as routing key; each has a dead-letter
/// queue and one delay queue per retry delay that dead-letters back into it when the TTL ends.
public struct Topology: Sendable, Equatable {
    public var namespace: String
    public init(namespace: String) { self.namespace = namespace }

    /// The direct exchange every Klaxon message is published to.
    public var exchange: String { namespace }

    public var ingestQueue: String { "\(namespace).alerts.ingest" }
    public var routeQueue: String { "\(namespace).alerts.route" }
    public func notifyQueue(_ channel: Channel) -> String { "\(namespace).notify.\(channel.rawValue)" }
    /// What `klaxon-escalator` applies in bulk, one `EscalatorMessage` each: alerts the router
    /// hands to a policy, and the incidents' watch messages coming back from
    /// `escalationWatchQueue`.
    public var escalationQueue: String { "\(namespace).escalations" }
    /// People's actions on incidents (link, API, CLI, phone key, a call's outcome): the same
    /// `EscalatorMessage`s, on a queue of their own that `klaxon-escalator` consumes beside
    /// `escalationQueue`, so an acknowledgement never waits behind an alert or watch storm.
    public var commandQueue: String { "\(namespace).escalations.commands" }
    /// A delay queue holding one watch message per open incident for `intervalMillis`, then
    /// dead-lettering it into `escalationQueue` (the interval is in the name: a queue's TTL
    /// cannot change once declared).
    public func escalationWatchQueue(intervalMillis: Int64) -> String {
        "\(namespace).escalations.watch.\(formatDurationMillis(intervalMillis))"
    }

    /// Every work queue, in flow order.
    public var workQueues: [String] { [ingestQueue, routeQueue, escalationQueue, commandQueue] + Channel.allCases.map(notifyQueue) }

    public func deadLetterQueue(of queue: String) -> String { "\(queue).dlq" }
    public func delayQueue(of queue: String, delayMillis: Int64) -> String { "\(queue).delay.\(formatDurationMillis(delayMillis))" }

    /// Headers Klaxon writes on retried and dead-lettered messages.
    public enum Header {
        public static let attempt = "x-klaxon-attempt"
        public static let originQueue = "x-klaxon-origin-queue"
        public static let originRoutingKey = "x-klaxon-origin-routing-key"
        public static let firstFailedAt = "x-klaxon-first-failed-at"
        public static let lastFailedAt = "x-klaxon-last-failed-at"
        public static let lastError = "x-klaxon-last-error"
        public static let deadLetterReason = "x-klaxon-reason"
    }

    /// Headers RabbitMQ maintains itself on dead-lettered and redelivered messages.
    public static func isBrokerHeader(_ name: String) -> Bool {
        name.hasPrefix("x-death") || name.hasPrefix("x-first-death-") || name.hasPrefix("x-last-death-")
            || name == "x-delivery-count" || name == "x-acquired-count"
    }
}

/// Every Redis key name, in one place. `namespace` is `broker.namespace`, so fleets sharing a
/// Redis never meet.
public enum RedisKeys {
    public static func dedupWindow(_ namespace: String, _ key: String) -> String { "\(namespace):dedup:\(key)" }
    public static func dedupRepeats(_ namespace: String, _ key: String) -> String { "\(namespace):dedup:\(key):repeats" }
    public static func delivered(_ namespace: String, _ notificationID: String) -> String { "\(namespace):delivered:\(notificationID)" }
    /// A sender's claim on a notification id while it sends it (`DeliveryClaims`).
    public static func deliveryClaim(_ namespace: String, _ notificationID: String) -> String { "\(namespace):claim:\(notificationID)" }
    /// The sliding log of sends to one robot, shared by every replica of its channel.
    public static func chatBudget(_ namespace: String, _ channel: Channel, _ robot: String) -> String {
        "\(namespace):chat:budget:\(channel.rawValue):\(robot)"
    }
    /// The sliding log of calls (or texts) to one number through one provider, shared by every
    /// replica of `klaxon-voice` (`VoiceDispatcher`: carriers limit calls per callee).
    public static func voiceBudget(_ namespace: String, _ channel: Channel, _ provider: String, _ number: String) -> String {
        "\(namespace):voice:budget:\(channel.rawValue):\(provider):\(number)"
    }
    /// A call `klaxon-voice` placed, as `VoiceCallbacks.Call` JSON, by its reference (Aliyun's
    /// `OutId`) or by a provider kind's call id (`aliyun:<CallId>`, `tencent:<callid>`), so the
    /// gateway ties a receipt back to the incident (`VoiceCallBook`).
    public static func voiceCall(_ namespace: String, _ key: String) -> String { "\(namespace):voice:call:\(key)" }
    /// Calls whose outcome `klaxon-voice` polls (Aliyun without pushed receipts): a sorted set of
    /// job JSON → next poll instant in Unix ms (`VoicePollQueue`).
    public static func voicePolls(_ namespace: String) -> String { "\(namespace):voice:polls" }
    /// Run-time schedule overrides: a hash of override id → JSON (`OverrideStore`).
    public static func oncallOverrides(_ namespace: String) -> String { "\(namespace):oncall:overrides" }
    /// Bumped on every override change, so every process notices within a second.
    public static func oncallVersion(_ namespace: String) -> String { "\(namespace):oncall:version" }
    /// The last good copy of a calendar fetched from a URL, per "<schedule>/<layer index>": a
    /// hash with `ics`, `fetched_at`, and `error`/`error_at` of the last failed fetch.
    public static func calendar(_ namespace: String, _ layer: String) -> String { "\(namespace):oncall:calendar:\(layer)" }
    /// One escalation incident as JSON, by incident id (`IncidentStore`).
    public static func incident(_ namespace: String, _ id: String) -> String { "\(namespace):incident:\(id)" }
    /// The set of the ids of incidents not yet resolved (`IncidentStore`).
    public static func openIncidents(_ namespace: String) -> String { "\(namespace):incidents:open" }
    /// The ids of one policy's incidents not yet resolved (`IncidentStore`, for the open gauge).
    public static func openIncidents(_ namespace: String, policy: String) -> String { "\(namespace):incidents:open:\(policy)" }
    /// The ids of one policy's incidents by the instant they opened (Unix ms), the last
    /// `IncidentStore.resolvedRetentionSeconds` of them (`IncidentStore`, for hand-over summaries).
    public static func openedIncidents(_ namespace: String, policy: String) -> String { "\(namespace):incidents:opened:\(policy)" }
    /// The escalator's timers: a sorted set of incident id → due instant in Unix milliseconds; a
    /// claimed timer's score is its lease's end instead (`TimerStore`).
    public static func escalationTimers(_ namespace: String) -> String { "\(namespace):escalation:timers" }
    /// Who holds the lease on a claimed timer: a hash of incident id → owner (`TimerStore`).
    public static func escalationTimerLeases(_ namespace: String) -> String { "\(namespace):escalation:leases" }
    /// The current incident of one (policy, fingerprint): a hash with `generation`, `id` and,
    /// once it resolved, `resolved_at` (`IncidentStore`).
    public static func incidentPointer(_ namespace: String, policy: String, fingerprint: String) -> String {
        "\(namespace):incident:current:\(policy):\(fingerprint)"
    }
    /// `klaxon-shift`: an announcement published (or skipped as too late), by announcement id;
    /// kept for days so no replica publishes it again (`ShiftAnnouncer`).
    public static func shiftDone(_ namespace: String, _ id: String) -> String { "\(namespace):shift:done:\(id)" }
    /// `klaxon-shift`: the short lease of the replica publishing an announcement now.
    public static func shiftClaim(_ namespace: String, _ id: String) -> String { "\(namespace):shift:claim:\(id)" }
    /// `klaxon-shift`: a schedule's timeline as a replica last saw it, so a replica that starts
    /// tells the roster changes made while it was not running (`TimelineSnapshot`).
    public static func shiftTimeline(_ namespace: String, _ schedule: String) -> String { "\(namespace):shift:timeline:\(schedule)" }
    /// The gateway's Grafana OnCall relay: the sliding log of one token's calls and SMS, shared
    /// by every gateway replica (`oncall_relay.requests_per_minute`).
    public static func oncallRelayBudget(_ namespace: String, _ token: String) -> String { "\(namespace):oncall-relay:budget:\(token)" }
    /// The gateway's Grafana OnCall relay: one heartbeat integration OnCall created, by id (JSON
    /// `{name, token}`, expiring unless heartbeats keep it: `OnCallRelayIntegrations`).
    public static func oncallRelayIntegration(_ namespace: String, _ id: String) -> String { "\(namespace):oncall-relay:integration:\(id)" }
}
