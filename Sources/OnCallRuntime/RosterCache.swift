import AlertCore
import Foundation
import OnCall
import Synchronization
import TimeKit
import WorkerKit

/// The current `Roster` of a process (router, gateway), kept fresh by a timer `Service`: every
/// second it asks Redis whether the overrides changed (one GET of the version counter) and
/// reloads them; every `calendarRefreshSeconds` it reads the iCalendar layers again (files, and
/// the last good copies of URL calendars that `klaxonctl oncall sync-calendars` stored). Redis down or a
/// bad calendar: the last good roster stays, and the problem is logged (rate-limited) and
/// counted. Every replica converges on the same roster within a second of a change.
public final class RosterCache: Service {
    public let name = "roster"
    let loader: RosterLoader
    let store: OverrideStore?
    let copies: CalendarCopies?
    let logger: Logger
    let now: @Sendable () -> Date
    let calendarRefreshSeconds: Double
    let problems: Counter
    let log = RateLimitedLog()
    private let state:
        Mutex<
            (
                roster: Roster, version: Int64?, calendars: [String: Layer], calendarsAt: Date?, overrides: [StoredOverride],
                holidays: [String: Set<LocalDate>]
            )
        >
    private let timer = Mutex<PeriodicService?>(nil)
    private let stopped = Atomic<Bool>(false)

    /// `store` nil: config overrides only; `copies` nil: URL calendars are never loaded.
    public init(
        config: KlaxonConfig, store: OverrideStore?, copies: CalendarCopies? = nil, logger: Logger, metrics: Metrics,
        calendarRefreshSeconds: Double = 60, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        loader = RosterLoader(config: config)
        self.store = store
        self.copies = copies
        self.logger = logger
        self.now = now
        self.calendarRefreshSeconds = calendarRefreshSeconds
        problems = metrics.counter(
            "klaxon_oncall_refresh_problems_total", "Roster refreshes that kept the last good copy, by what failed (overrides, calendar).")
        state = Mutex((loader.roster(calendars: [:], overrides: []), nil, [:], nil, [], [:]))
    }

    /// The roster cache a long-running process uses: on the config's Redis, with its run-time
    /// overrides and the stored copies of URL calendars (one connection for both).
    public static func live(config: KlaxonConfig, logger: Logger, metrics: Metrics) -> RosterCache {
        let redis = SharedRedis(config.redis)
        let ns = config.broker.namespace
        return RosterCache(
            config: config, store: OverrideStore(redis: redis, namespace: ns), copies: CalendarCopies(redis: redis, namespace: ns),
            logger: logger, metrics: metrics)
    }

    /// The roster to resolve against now.
    public var roster: Roster { state.withLock { $0.roster } }

    /// Whether the roster is whole: the run-time overrides were read (when there is a store) and
    /// the calendars loaded (when there are any) at least once. Until then it is the config's
    /// alone, which a process comparing rosters over time (`klaxon-shift`) must not take for
    /// the truth.
    public var isComplete: Bool {
        state.withLock { s in (store == nil || s.version != nil) && (loader.calendarLayers.isEmpty || s.calendarsAt != nil) }
    }

    public func run() async throws {
        let t = PeriodicService(name: name, every: .seconds(1)) { [self] in await refresh() }
        timer.withLock { $0 = t }
        if stopped.load(ordering: .acquiring) { return }
        try await t.run()
    }

    public func shutdown() {
        stopped.store(true, ordering: .releasing)
        timer.withLock { $0?.shutdown() }
    }

    /// One refresh: calendars when due, overrides when their version changed. Public for tests
    /// and for one-shot tools (`klaxonctl`), which call it once instead of running the service.
    public func refresh() async {
        let t = now()
        var calendars: [String: Layer]? = nil
        let due = state.withLock { s in s.calendarsAt.map { t.timeIntervalSince($0) >= calendarRefreshSeconds } ?? true }
        if due && !loader.calendarLayers.isEmpty {
            var loaded = state.withLock { $0.calendars }
            // The URL layers' stored copies first (Redis is async), then one loader for all.
            var stored: [String: Result<String?, any Error>] = [:]
            for c in loader.calendarLayers where RosterLoader.isURL(c.path) {
                do { stored[c.key] = .success(try await copies?.read(c.key)?.ics) } catch { stored[c.key] = .failure(error) }
            }
            // A window around now: yesterday (shifts in progress) to 60 days ahead.
            for (key, r) in loader.loadCalendars(
                from: t.addingTimeInterval(-86_400), to: t.addingTimeInterval(60 * 86_400),
                storedCopy: { try stored[$0]?.get() ?? nil })
            {
                if let layer = r.layer {
                    loaded[key] = layer
                } else {
                    problems.inc(["what": "calendar"])
                    report("calendar unreadable; keeping its last good copy", ["layer": key, "error": r.problem ?? ""])
                }
                for w in r.warnings.prefix(5) { report("calendar warning", ["layer": key, "warning": w]) }
            }
            calendars = loaded
        }
        var holidays: [String: Set<LocalDate>]? = nil
        if due && loader.config.schedules.contains(where: { !$0.excludeCalendars.isEmpty }) {
            var kept = state.withLock { $0.holidays }
            let read = loader.holidays(from: t.addingTimeInterval(-7 * 86_400), to: t.addingTimeInterval(400 * 86_400))
            for (key, dates) in read.dates { kept[key] = dates }
            for (key, problem) in read.problems {
                problems.inc(["what": "calendar"])
                report("holiday calendar unreadable; keeping its last good dates", ["layer": key, "error": problem])
            }
            holidays = kept
        }
        var overrides: [StoredOverride]? = nil
        var version: Int64? = nil
        if let store {
            do {
                let v = try await store.version()
                if v != state.withLock({ $0.version }) {
                    overrides = try await store.all()
                    version = v
                }
            } catch {
                problems.inc(["what": "overrides"])
                report("cannot read run-time overrides from Redis; keeping the last ones", ["error": "\(error)"])
            }
        }
        guard calendars != nil || overrides != nil || holidays != nil else { return }
        state.withLock { s in
            if let calendars { s.calendars = calendars; s.calendarsAt = t }
            if let holidays { s.holidays = holidays; s.calendarsAt = t }
            if let overrides { s.overrides = overrides; s.version = version }
            s.roster = loader.roster(calendars: s.calendars, overrides: s.overrides, holidays: s.holidays)
        }
    }

    private func report(_ message: String, _ fields: [String: String]) {
        guard let suppressed = log.shouldLog(message + (fields["layer"] ?? "")) else { return }
        logger.warning(message, fields.merging(["suppressed_repeats": String(suppressed)]) { a, _ in a })
    }
}
