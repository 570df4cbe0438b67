import AlertCore
import Escalation
import Foundation

/// What the team's hand-over message adds below "now on call": the incidents of the schedule's
/// policies still open (triggered, acknowledged or snoozed), and what paged during the shift that
/// ended (how many incidents opened, the noisiest alerts). Pure: made from incidents already read.
public struct HandoverSummary: Sendable, Equatable {
    /// One incident not yet resolved.
    public struct OpenItem: Sendable, Equatable {
        public var title: String
        public var status: IncidentStatus
        /// Who acknowledged it (for `acknowledged`).
        public var by: String?
        public var since: Date
    }

    /// An alert that paged during the ended shift: its title and how many times it fired
    /// (incidents opened plus their repeats).
    public struct Noise: Sendable, Equatable {
        public var title: String
        public var firings: Int

        public init(title: String, firings: Int) {
            self.title = title
            self.firings = firings
        }
    }

    /// How many open incidents are listed at most (the total is always said).
    public static let listLimit = 5
    /// How many of the noisiest alerts are named.
    public static let noisiestLimit = 3

    /// Open incidents, oldest first, at most `listLimit`.
    public var open: [OpenItem]
    /// All open incidents.
    public var openTotal: Int
    /// The ended shift: since the previous hand-over.
    public var period: DateInterval
    /// Incidents opened during `period`.
    public var opened: Int
    /// The noisiest alerts of `period`, most firings first, at most `noisiestLimit`.
    public var noisiest: [Noise]

    /// The summary of `open` (the policies' incidents not resolved) and `openedInPeriod` (those
    /// that opened during `period`). The counts may exceed what was loaded: `openCount`,
    /// `openedCount`. `names`: person id → name, for who acknowledged.
    public init(
        open: [(Incident, Alert)], openCount: Int, openedInPeriod: [(Incident, Alert)], openedCount: Int, period: DateInterval,
        names: [String: String] = [:]
    ) {
        let sorted = open.filter { $0.0.status != .resolved }.sorted { ($0.0.openedAt, $0.0.id) < ($1.0.openedAt, $1.0.id) }
        self.open = sorted.prefix(Self.listLimit).map { i, a in
            OpenItem(title: a.title, status: i.status, by: i.ack.map { names[$0.by.rawValue] ?? $0.by.rawValue }, since: i.openedAt)
        }
        openTotal = max(openCount, sorted.count)
        self.period = period
        opened = max(openedCount, openedInPeriod.count)
        var firings: [String: Int] = [:]
        for (i, a) in openedInPeriod { firings[a.title, default: 0] += 1 + i.repeats }
        noisiest = firings.map { Noise(title: $0.key, firings: $0.value) }.sorted { ($1.firings, $0.title) < ($0.firings, $1.title) }
            .prefix(Self.noisiestLimit).map { $0 }
    }

    /// Two lines for the team, times in `zone`.
    public func text(zone: String) -> String {
        var clock = TimeText()
        var lines: [String] = []
        if openTotal == 0 {
            lines.append("Open incidents: none.")
        } else {
            let items = open.map { o in
                let state = o.status == .acknowledged ? "acknowledged\(o.by.map { " by \($0)" } ?? "")" : o.status.rawValue
                return "\(o.title) (\(state), since \(clock.format(o.since, zone: zone)))"
            }
            let more = openTotal > open.count ? "; and \(openTotal - open.count) more" : ""
            lines.append("Open incidents: \(openTotal): \(items.joined(separator: "; "))\(more).")
        }
        let span = "\(clock.format(period.start, zone: zone)) – \(clock.format(period.end, zone: zone))"
        if opened == 0 {
            lines.append("Last shift (\(span)): no incidents.")
        } else {
            let noise = noisiest.map { "\($0.title) ×\($0.firings)" }.joined(separator: ", ")
            lines.append("Last shift (\(span)): \(opened) incident\(opened == 1 ? "" : "s"); noisiest: \(noise).")
        }
        return lines.joined(separator: "\n")
    }
}
