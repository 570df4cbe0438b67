import AlertCore
import Escalation
import EscalatorStore
import Foundation
import ShiftPlan

/// Reads what a hand-over summary says from the escalator's incidents in Redis: the open
/// incidents of the policies that page a schedule, and those that opened since the previous
/// hand-over (`IncidentStore.opened`). At most `loadLimit` of each are loaded; the counts are
/// exact.
struct HandoverFacts: Sendable {
    static let loadLimit = 100

    let store: IncidentStore
    /// Schedule name → the policies with a step that notifies it.
    let policies: [String: [String]]

    init(store: IncidentStore, config: KlaxonConfig) {
        self.store = store
        var out: [String: [String]] = [:]
        for p in config.escalationPolicies {
            for name in Set(p.steps.flatMap(\.targets.schedules)) { out[name, default: []].append(p.name) }
        }
        policies = out.mapValues { $0.sorted() }
    }

    /// The summary for `schedule` over `period`; nil when no policy pages the schedule.
    func summary(schedule: String, period: DateInterval, names: [String: String]) async throws -> HandoverSummary? {
        guard let list = policies[schedule], !list.isEmpty else { return nil }
        var openIDs: [String] = []
        var openedIDs: [String] = []
        for p in list {
            openIDs += try await store.openIDs(policy: p)
            openedIDs += try await store.opened(policy: p, from: period.start, to: period.end)
        }
        return HandoverSummary(
            open: try await load(openIDs.prefix(Self.loadLimit)), openCount: openIDs.count,
            openedInPeriod: try await load(openedIDs.suffix(Self.loadLimit)), openedCount: openedIDs.count, period: period, names: names)
    }

    func load(_ ids: ArraySlice<String>) async throws -> [(Incident, Alert)] {
        var out: [(Incident, Alert)] = []
        for id in ids {
            if let r = try await store.load(id)?.record { out.append((r.incident, r.alert)) }
        }
        return out
    }
}
