import AlertCore
import Foundation
import ICal
import OnCall
import TimeKit

/// Builds the `Roster` from the config: loads each iCalendar layer's file through libical (for
/// the window `from`–`to`) and applies the run-time overrides. A calendar that cannot be read or
/// parsed keeps its last good copy (`lastGood`), and the problem is reported, never a silently
/// empty schedule.
public struct RosterLoader: Sendable {
    public let config: KlaxonConfig

    public init(config: KlaxonConfig) { self.config = config }

    /// One iCal layer's outcome: the layer, or why it could not be loaded.
    public struct Calendar: Sendable {
        public var layer: Layer?
        public var problem: String?
        public var warnings: [String]

        public init(layer: Layer?, problem: String?, warnings: [String]) {
            self.layer = layer
            self.problem = problem
            self.warnings = warnings
        }
    }

    /// Every `.ical` layer of the config, keyed "<schedule>/<layer index>", with its path or URL.
    public var calendarLayers: [(key: String, path: String, name: String, exclude: Set<LocalDate>, zone: TimeZone)] {
        config.schedules.flatMap { s in
            s.layers.enumerated().compactMap { i, source in
                if case .ical(let path, let name, let exclude) = source { return ("\(s.name)/\(i)", path, name, exclude, s.timeZone) }
                return nil
            }
        }
    }

    /// `true` for a layer read from an http(s) URL (fetched by `klaxonctl oncall sync-calendars`
    /// into `CalendarCopies`), `false` for a file.
    public static func isURL(_ source: String) -> Bool { source.hasPrefix("https://") || source.hasPrefix("http://") }

    /// Reads and expands one calendar file for the window.
    public func loadCalendar(path: String, name: String, exclude: Set<LocalDate>, zone: TimeZone, from: Date, to: Date) -> Calendar {
        guard let data = FileManager.default.contents(atPath: path) else {
            return Calendar(layer: nil, problem: "cannot read \(path)", warnings: [])
        }
        return parseCalendar(String(decoding: data, as: UTF8.self), source: path, name: name, exclude: exclude, zone: zone, from: from, to: to)
    }

    /// Loads every iCal layer for the window: a file from disk, a URL layer from its last good
    /// copy (`storedCopy(key)`: the text, nil when never fetched; it throws when the store
    /// cannot be read). One outcome per layer key ("<schedule>/<layer index>").
    public func loadCalendars(from: Date, to: Date, storedCopy: (String) throws -> String?) -> [(key: String, calendar: Calendar)] {
        calendarLayers.map { c in
            guard Self.isURL(c.path) else {
                return (c.key, loadCalendar(path: c.path, name: c.name, exclude: c.exclude, zone: c.zone, from: from, to: to))
            }
            do {
                guard let ics = try storedCopy(c.key) else {
                    return (c.key, Calendar(layer: nil, problem: "\(c.path) not fetched yet (klaxonctl oncall sync-calendars)", warnings: []))
                }
                return (c.key, parseCalendar(ics, source: c.path, name: c.name, exclude: c.exclude, zone: c.zone, from: from, to: to))
            } catch {
                return (c.key, Calendar(layer: nil, problem: "cannot read the stored copy of \(c.path): \(error)", warnings: []))
            }
        }
    }

    /// Expands calendar text for the window into a layer, or says why it cannot.
    public func parseCalendar(_ ics: String, source: String, name: String, exclude: Set<LocalDate>, zone: TimeZone, from: Date, to: Date) -> Calendar
    {
        do {
            let r = try ICalImport.shifts(ics: ics, from: from, to: to, people: config.people, defaultZone: zone)
            return Calendar(layer: .fixed(r.shifts, name: name, excludeDates: exclude), problem: nil, warnings: r.warnings)
        } catch {
            return Calendar(layer: nil, problem: "\(source): \(error)", warnings: [])
        }
    }

    /// The roster from the config, loaded calendars and run-time overrides.
    public func roster(calendars: [String: Layer], overrides: [StoredOverride], holidays: [String: Set<LocalDate>] = [:]) -> Roster {
        var bySchedule: [String: [Override]] = [:]
        for o in overrides { bySchedule[o.schedule, default: []].append(o.override) }
        return Roster.build(
            people: config.people, schedules: config.schedules, loaded: calendars, overrides: bySchedule, holidays: holidays)
    }

    /// Reads every layer's `exclude_calendar` (a file of holidays) for the dates `from`–`to`,
    /// keyed "<schedule>/<layer index>"; what cannot be read is returned as problems (the
    /// caller keeps its last good dates).
    public func holidays(from: Date, to: Date) -> (dates: [String: Set<LocalDate>], problems: [String: String]) {
        var dates: [String: Set<LocalDate>] = [:]
        var problems: [String: String] = [:]
        for s in config.schedules {
            for (i, path) in s.excludeCalendars {
                let key = "\(s.name)/\(i)"
                guard let data = FileManager.default.contents(atPath: path) else {
                    problems[key] = "cannot read \(path)"
                    continue
                }
                do {
                    dates[key] = try ICalImport.dates(ics: String(decoding: data, as: UTF8.self), from: from, to: to, zone: s.timeZone)
                } catch {
                    problems[key] = "\(path): \(error)"
                }
            }
        }
        return (dates, problems)
    }
}
