import AlertCore
import Blocking
import CurlClient
import Foundation
import OnCallRuntime

/// Fetches every schedule layer whose `ical:` is an http(s) URL and stores the last good copy
/// in Redis (`CalendarCopies`), where every process's `RosterCache` reads it. Run by
/// `klaxonctl oncall sync-calendars`, on a schedule (the Helm chart's CronJob). A copy is
/// stored only when libical reads it; an unreachable URL, a non-200 answer or text that is not
/// iCalendar (Google answers HTML for a private link) records the error and keeps the last good
/// copy, so a schedule never empties silently.
public struct CalendarSync: Sendable {
    /// What happened to one layer.
    public struct Report: Sendable, Equatable {
        public var layer: String
        public var url: String
        /// Shifts found in the next 60 days when stored; nil when the fetch failed.
        public var shifts: Int?
        public var warnings: [String]
        public var error: String?
    }

    let loader: RosterLoader
    let copies: CalendarCopies
    let timeout: Duration
    let now: @Sendable () -> Date

    public init(config: KlaxonConfig, copies: CalendarCopies, timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
        loader = RosterLoader(config: config)
        self.copies = copies
        self.timeout = timeout
        self.now = now
    }

    /// The URL layers of the config, "<schedule>/<index>" → URL.
    public var layers: [(key: String, url: String)] {
        loader.calendarLayers.filter { RosterLoader.isURL($0.path) }.map { ($0.key, $0.path) }
    }

    /// Fetches and stores each URL layer; one report per layer. Throws only when Redis cannot be
    /// reached (nothing could be stored or recorded).
    public func run() async throws -> [Report] {
        let executor = BlockingExecutor(name: "calendar-fetch", threads: 1)
        defer { executor.shutdown() }
        var reports: [Report] = []
        for c in loader.calendarLayers where RosterLoader.isURL(c.path) {
            let t = now()
            let fetched: Result<String, DeliveryError> = try await executor.run { _ in
                do {
                    let r = try HTTPClient().get(
                        url: c.path, headers: [("User-Agent", "Klaxon calendar sync"), ("Accept", "text/calendar")],
                        timeout: timeout)
                    guard r.status == 200 else { return .failure(.permanent(.clientError, "HTTP \(r.status) from \(c.path)")) }
                    return .success(String(decoding: r.body, as: UTF8.self))
                } catch let e as DeliveryError {
                    return .failure(e)
                } catch {
                    return .failure(.transient(.network, "\(error)"))
                }
            }
            switch fetched {
            case .failure(let e):
                try await copies.failed(c.key, error: e.detail, at: t)
                reports.append(Report(layer: c.key, url: c.path, shifts: nil, warnings: [], error: e.detail))
            case .success(let ics):
                let parsed = loader.parseCalendar(
                    ics, source: c.path, name: c.name, exclude: c.exclude, zone: c.zone,
                    from: t.addingTimeInterval(-86_400), to: t.addingTimeInterval(60 * 86_400))
                if let problem = parsed.problem {
                    try await copies.failed(c.key, error: problem, at: t)
                    reports.append(Report(layer: c.key, url: c.path, shifts: nil, warnings: [], error: problem))
                } else {
                    try await copies.store(c.key, ics: ics, at: t)
                    let count: Int
                    if case .fixed(let shifts)? = parsed.layer?.kind { count = shifts.count } else { count = 0 }
                    reports.append(Report(layer: c.key, url: c.path, shifts: count, warnings: parsed.warnings, error: nil))
                }
            }
        }
        return reports
    }
}
