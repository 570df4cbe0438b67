import AMQP
import AlertCore
import Foundation
import OnCall
import Redis
import WorkerKit

/// `klaxon-shift`: announces every hand-over of the schedules with `announce:` (docs/schedules.md,
/// "Hand-over announcements"). It consumes no queue: a process is its publisher, Redis (closed
/// last), the roster and one timer loop; any number of replicas share the work through Redis.
public enum ShiftWorker {
    /// The services of one process, in start order (stopped last first): the publisher, the
    /// Redis closer, `extra` (the roster cache), the announcer's timer loop.
    ///
    /// - Parameters:
    ///   - roster: who is on call now (`RosterCache.roster` in the process).
    ///   - rosterComplete: whether `roster` has the overrides and calendars yet; no tick runs
    ///     before (`RosterCache.isComplete`).
    ///   - tick: how often due announcements are looked for.
    public static func services(
        config: KlaxonConfig, publisher: Publisher, redis: SharedRedis, logger: Logger, metrics: Metrics,
        roster: @escaping @Sendable () -> Roster, rosterComplete: @escaping @Sendable () -> Bool = { true }, extra: [any Service] = [],
        now: @escaping @Sendable () -> Date = { Date() },
        tick: Duration = .seconds(1), owner: String = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(AlertID.make().prefix(8))"
    ) -> [any Service] {
        let announcer = ShiftAnnouncer(
            config: config, publisher: publisher, redis: redis, roster: roster, rosterComplete: rosterComplete, logger: logger, metrics: metrics,
            owner: owner, now: now)
        let loop = PeriodicService(name: "shift-announcements", every: tick) { await announcer.tick() }
        // Redis closes only after the timer loop stopped (a tick may still be publishing).
        let closeAfter = ClosingService(name: "redis") { redis.close() }
        return [PublisherService(publisher), closeAfter] + extra + [loop]
    }
}
