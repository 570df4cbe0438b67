import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import OnCall
import Redis
import ShiftPlan
import Synchronization
import TimeKit
import WorkerKit

/// The run-time side of `klaxon-shift`: on each tick, every announcement of every schedule with
/// `announce:` that is due within its grace and not yet done is claimed, published to its
/// `notify.<channel>` queue with a confirm, and marked done.
///
/// Exactly once across replicas: a replica takes a short lease on an announcement id (`SET NX
/// PX`) before publishing, and marks it done after the confirm. A replica killed between the two
/// loses the lease within `leaseMillis` and another one (or the restarted one) publishes it on a
/// later tick, still inside the grace. Should two publish anyway (a confirm slower than the
/// lease), nothing doubles: the notification id is deterministic and channel workers deliver
/// each id once (`DeliveryClaims`).
///
/// An announcement first seen after its grace (every replica was down) is skipped: marked done
/// as `skipped`, counted and logged once across replicas.
public final class ShiftAnnouncer: Sendable {
    let config: KlaxonConfig
    let publisher: any MessagePublishing
    let redis: any RedisCommanding
    let roster: @Sendable () -> Roster
    let rosterComplete: @Sendable () -> Bool
    let now: @Sendable () -> Date
    let logger: Logger
    let owner: String
    let topology: Topology
    let published: Counter
    let skipped: Counter
    let failures: Counter
    let lastRun: Gauge
    let facts: HandoverFacts
    /// Published later than this after its due instant: said in the text.
    static let lateAfter: TimeInterval = 30
    static let leaseMillis = 15_000
    static let doneSeconds = 8 * 86_400
    /// How far before the grace a replica's first tick looks for skipped announcements.
    static let skipLookback: TimeInterval = 86_400

    private let state = Mutex<(last: Date?, baselines: [String: (window: Date, shifts: [Shift])])>((nil, [:]))

    public init(
        config: KlaxonConfig, publisher: any MessagePublishing, redis: any RedisCommanding, roster: @escaping @Sendable () -> Roster,
        rosterComplete: @escaping @Sendable () -> Bool = { true }, logger: Logger, metrics: Metrics, owner: String,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.publisher = publisher
        self.redis = redis
        self.roster = roster
        self.rosterComplete = rosterComplete
        self.now = now
        self.logger = logger
        self.owner = owner
        topology = Topology(namespace: config.broker.namespace)
        facts = HandoverFacts(store: IncidentStore(redis: redis, namespace: config.broker.namespace), config: config)
        published = metrics.counter("klaxon_shift_announcements_total", "Announcements klaxon-shift published, by kind.")
        skipped = metrics.counter("klaxon_shift_skipped_total", "Announcements skipped: first seen after their grace, by kind.")
        failures = metrics.counter("klaxon_shift_publish_failures_total", "Announcements whose publish failed (retried on the next tick).")
        lastRun = metrics.gauge("klaxon_shift_last_run_timestamp_seconds", "When the last tick finished (Unix seconds).")
        for k in Announcement.Kind.allCases {
            published.inc(["kind": k.rawValue], by: 0)
            skipped.inc(["kind": k.rawValue], by: 0)
        }
    }

    /// One pass over every announced schedule; none until the roster is whole (a roster without
    /// its overrides or calendars would announce wrong hand-overs and, once they load, "changes").
    public func tick() async {
        guard rosterComplete() else { return }
        let t = now()
        let roster = roster()
        let last = state.withLock { $0.last }
        for s in config.schedules {
            guard let settings = s.announce, let schedule = roster.schedules[s.name] else { continue }
            let planner = ShiftPlanner(roster: roster, schedule: schedule, settings: settings)
            let grace = TimeInterval(settings.graceSeconds)
            let skipFrom = (last ?? t.addingTimeInterval(-Self.skipLookback)).addingTimeInterval(-grace)
            if t.addingTimeInterval(-grace) > skipFrom {
                await skip(planner.announcements(from: skipFrom, to: t.addingTimeInterval(-grace)))
            }
            var due = planner.announcements(from: t.addingTimeInterval(-grace), to: t)
            due += await rosterChanges(planner, at: t)
            await publish(due, at: t, roster: roster)
        }
        state.withLock { $0.last = t }
        lastRun.set(t.timeIntervalSince1970)
    }

    /// Changes to the schedule's timeline since the last tick, within a window fixed for the UTC
    /// day (so every replica computes the same change, and the same ids). A replica compares
    /// with its own previous view; one that has none yet (it just started) with the fleet's last
    /// view in Redis, so a change made while it was not running (a new pod after a config
    /// change, a restart) is still told. It stores its view whenever it changes.
    func rosterChanges(_ planner: ShiftPlanner, at t: Date) async -> [Announcement] {
        let day = Date(timeIntervalSince1970: (t.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let end = day.addingTimeInterval(ShiftPlanner.horizon + 86_400)
        let shifts = planner.schedule.shifts(from: day, to: end)
        let name = planner.schedule.name
        let key = RedisKeys.shiftTimeline(config.broker.namespace, name)
        var previous = state.withLock { s in
            defer { s.baselines[name] = (day, shifts) }
            return s.baselines[name]
        }
        if previous == nil, case .bulk(let bytes)? = try? await redis.command(["GET", key]),
            let stored = TimelineSnapshot(text: String(decoding: bytes, as: UTF8.self))
        {
            previous = (stored.window, stored.shifts)
        }
        if previous.map({ $0.window != day || $0.shifts != shifts }) ?? true {
            let snapshot = TimelineSnapshot(window: day, shifts: shifts).text
            _ = try? await redis.command(["SET", key, snapshot, "EX", String(Self.doneSeconds)])
        }
        guard let previous, previous.window == day, previous.shifts != shifts else { return [] }
        let changes = RosterDiff.diff(old: previous.shifts, new: shifts, from: day, to: end).filter { c in
            (c.gained + c.lost).contains { $0.end > t }
        }
        return planner.changeAnnouncements(changes, at: t)
    }

    /// Publishes each announcement not yet done whose lease this replica wins; a hand-over gets
    /// the summary of the schedule's incidents below its line.
    func publish(_ list: [Announcement], at t: Date, roster: Roster) async {
        guard !list.isEmpty else { return }
        let ns = config.broker.namespace
        var summaries: [Date: String] = [:]
        do {
            let done = try await redis.pipeline(list.map { ["EXISTS", RedisKeys.shiftDone(ns, $0.id)] })
            let open = zip(list, done).filter { $0.1.integer == 0 }.map(\.0)
            for var a in open {
                let claim = RedisKeys.shiftClaim(ns, a.id)
                guard try await redis.command(["SET", claim, owner, "NX", "PX", String(Self.leaseMillis)]) == .status("OK") else { continue }
                if a.kind == .handover {
                    if summaries[a.boundary] == nil { summaries[a.boundary] = await summary(a, roster: roster) ?? "" }
                    if let extra = summaries[a.boundary], !extra.isEmpty { a.text += "\n" + extra }
                }
                let late = t.timeIntervalSince(a.due) > Self.lateAfter
                let message: OutboundMessage
                if a.kind == .confirm {
                    message = OutboundMessage(EscalatorMessage.alert(a.confirmationAlert(), policy: a.recipient), topology: topology)
                } else if Channel(rawValue: a.channel) != nil {
                    message = OutboundMessage(a.notification(late: late), topology: topology)
                } else {
                    // Not one of Klaxon's channels: nothing could deliver it; said once, then done.
                    logger.warning("announcement not sent: no queue for its channel", ["id": a.id, "channel": a.channel])
                    _ = try? await redis.command(["SET", RedisKeys.shiftDone(ns, a.id), "no-channel", "EX", String(Self.doneSeconds)])
                    continue
                }
                do {
                    try await publisher.publish(message)
                } catch {
                    failures.inc()
                    logger.warning("announcement not published; retried on the next tick", ["id": a.id, "schedule": a.schedule, "error": "\(error)"])
                    _ = try? await redis.command(["DEL", claim])
                    continue
                }
                _ = try await redis.command(["SET", RedisKeys.shiftDone(ns, a.id), "published", "EX", String(Self.doneSeconds)])
                published.inc(["kind": a.kind.rawValue])
                logger.info(
                    late ? "announced late" : "announced",
                    ["id": a.id, "schedule": a.schedule, "kind": a.kind.rawValue, "channel": a.channel, "recipient": a.recipient])
            }
        } catch {
            logger.warning("Redis unreachable; announcements wait for the next tick", ["error": "\(error)"])
        }
    }

    /// The hand-over summary of `a`'s schedule (open incidents, what paged since the previous
    /// hand-over), in the schedule's zone; nil when no policy pages the schedule. Redis failing
    /// here costs the summary, not the announcement.
    func summary(_ a: Announcement, roster: Roster) async -> String? {
        let period = DateInterval(start: a.since ?? a.boundary.addingTimeInterval(-86_400), end: a.boundary)
        let names = Dictionary(uniqueKeysWithValues: roster.people.map { ($0.key.rawValue, $0.value.name) })
        do {
            let zone = roster.schedules[a.schedule]?.timeZone.identifier ?? "UTC"
            return try await facts.summary(schedule: a.schedule, period: period, names: names)?.text(zone: zone)
        } catch {
            logger.warning("hand-over summary unavailable; announced without it", ["schedule": a.schedule, "error": "\(error)"])
            return "(Open incidents: unknown, the incident store did not answer.)"
        }
    }

    /// Marks announcements past their grace that nobody published as skipped (once across
    /// replicas), counting and logging each.
    func skip(_ list: [Announcement]) async {
        guard !list.isEmpty else { return }
        let ns = config.broker.namespace
        guard
            let replies = try? await redis.pipeline(
                list.map { ["SET", RedisKeys.shiftDone(ns, $0.id), "skipped", "NX", "EX", String(Self.doneSeconds)] })
        else { return }
        for (a, r) in zip(list, replies) where r == .status("OK") {
            skipped.inc(["kind": a.kind.rawValue])
            logger.warning(
                "announcement skipped: its grace had passed when a replica came back",
                ["id": a.id, "schedule": a.schedule, "kind": a.kind.rawValue, "due": RFC3339Time.utcString(a.due), "recipient": a.recipient])
        }
    }
}
