import AlertCore
import Foundation
import OnCall
import OnCallRuntime
import Redis
import TimeKit

/// What every `oncall` verb needs: the config (people, schedules, Redis, feed secret), the
/// run-time overrides in Redis, and times read and printed in a schedule's zone.
struct OnCallContext {
    let configPath: String
    let config: KlaxonConfig

    /// Reads `--config PATH` or `KLAXON_CONFIG`. Secrets of other sections may be unset (see
    /// `ConfigEnvironment`); the variables of `needed` keys must be set.
    init(_ a: Arguments, environment: [String: String], io: CtlIO, needed: Set<String> = ["redis.password_env"]) throws(CtlError) {
        guard let path = a.value("config") ?? environment["KLAXON_CONFIG"] else {
            throw .usage("no config: pass --config PATH or set KLAXON_CONFIG (people and schedules come from it)")
        }
        do { config = try ConfigEnvironment.load(path: path, environment: environment, secrets: .needed(needed)) } catch {
            for issue in error.issues { io.err(issue.description) }
            throw CtlError(.failure, "\(path): invalid config (klaxonctl config check \(path) lists every problem)")
        }
        configPath = path
    }

    var personIDs: Set<PersonID> { Set(config.people.map(\.id)) }
    var scheduleNames: Set<String> { Set(config.schedules.map(\.name)) }

    /// The configured schedule named `name`, or a usage error listing the names.
    func schedule(_ name: String) throws(CtlError) -> ScheduleConfig {
        guard let s = config.schedules.first(where: { $0.name == name }) else {
            let known = config.schedules.map(\.name).sorted()
            throw .usage(
                "SCHEDULE: no schedule named \"\(name)\" in \(configPath) (\(known.isEmpty ? "none defined" : "defined: " + known.joined(separator: ", ")))"
            )
        }
        return s
    }

    /// The Redis of the config, for the override verbs.
    func store() -> BlockingOverrideStore {
        BlockingOverrideStore(config: config.redis, namespace: config.broker.namespace)
    }

    /// Where Redis is, for messages.
    var redisAddress: String { "\(config.redis.host):\(config.redis.port)" }

    /// The roster for lookups within `[from, to)`: iCalendar layers read for that window and the
    /// run-time overrides applied. What cannot be read is said on stderr and makes the answer
    /// degraded (`degraded` true): the answer then comes from the rest of the config.
    func roster(from: Date, to: Date, io: CtlIO) -> (roster: Roster, degraded: Bool) {
        let loader = RosterLoader(config: config)
        var degraded = false
        var calendars: [String: Layer] = [:]
        // URL layers: the last good copy `oncall sync-calendars` stored in Redis.
        let loaded = loader.loadCalendars(from: from.addingTimeInterval(-86_400), to: to.addingTimeInterval(86_400)) { key in
            try store().calendarCopy(key)?.ics
        }
        for (key, r) in loaded {
            if let layer = r.layer {
                calendars[key] = layer
            } else {
                io.err("klaxonctl: calendar layer \(key) unreadable (\(r.problem ?? "?")); it counts as nobody on call")
                degraded = true
            }
        }
        var overrides: [StoredOverride] = []
        do { overrides = try store().all() } catch {
            io.err(
                "klaxonctl: Redis at \(redisAddress) is unreachable (\(error)); answering from the config alone: run-time overrides are not applied")
            degraded = true
        }
        let holidays = loader.holidays(from: from.addingTimeInterval(-86_400), to: to.addingTimeInterval(86_400))
        for (key, problem) in holidays.problems {
            io.err("klaxonctl: holiday calendar of layer \(key) unreadable (\(problem)); the layer applies on those days")
            degraded = true
        }
        return (loader.roster(calendars: calendars, overrides: overrides, holidays: holidays.dates), degraded)
    }

    /// An instant from the command line: RFC 3339 with its offset, or a date (`2026-03-28`),
    /// which is local midnight in `zone`. A bad value is a usage error naming `option`.
    static func time(_ text: String, option: String, zone: TimeZone) throws(CtlError) -> Date {
        if let d = RFC3339Time(text)?.instant { return d }
        if let day = LocalDate(text) { return ZoneClock(timeZone: zone).instant(of: day, at: .midnight) }
        throw .usage("\(option): expected an RFC 3339 time such as 2026-03-28T09:00:00+01:00 or a date such as 2026-03-28, got \"\(text)\"")
    }

    /// `2026-03-28T09:00:00+01:00`: `date` on the wall clock of `zone`, with its offset.
    static func format(_ date: Date, in zone: TimeZone) -> String {
        let clock = ZoneClock(timeZone: zone)
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let offset = clock.offset(atSecond: t)
        let local = t + offset
        let day = LocalDate(daysSinceEpoch: ZoneClock.floorDiv(local, 86_400))
        let second = local - day.daysSinceEpoch * 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let sign = offset < 0 ? "-" : "+"
        let zoneText = offset == 0 ? "Z" : "\(sign)\(two(abs(offset) / 3600)):\(two(abs(offset) / 60 % 60))"
        return "\(day)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))\(zoneText)"
    }

    /// `layer 0 (weekly)` or `override ov-1a2b3c4d`, for tables.
    static func describe(_ source: Shift.Source, in schedule: Schedule) -> String {
        switch source {
        case .layer(let i):
            let name = schedule.layers.indices.contains(i) ? schedule.layers[i].name : ""
            return name.isEmpty ? "layer \(i)" : "layer \(i) (\(name))"
        case .override(let id):
            return "override \(id)"
        }
    }

    /// The source as JSON fields: `{"source": "layer", "layer": 0, "layer_name": "weekly"}` or
    /// `{"source": "override", "override": "ov-1a2b3c4d"}`.
    static func json(_ source: Shift.Source, in schedule: Schedule) -> [String: Any] {
        switch source {
        case .layer(let i):
            return ["source": "layer", "layer": i, "layer_name": schedule.layers.indices.contains(i) ? schedule.layers[i].name : ""]
        case .override(let id):
            return ["source": "override", "override": id]
        }
    }
}
