import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import IncidentLinks
import OnCall
import WorkerKit

/// The escalator's work, shared by every replica through Redis and the broker:
///
/// - `handle` applies one message of the escalation queue: an alert for a policy opens an
///   incident, attaches a repeat or resolves it; a person's command acknowledges, resolves,
///   snoozes or escalates; an incident's watch checks that Redis still has it (else reopens it).
/// - `fireDue` claims the timers due now and applies them, claiming more as they finish.
///
/// Every change is load → `transition` → compare-and-set save of the record with its outbox →
/// publish the outbox (confirmed) → clear it → set the timer to the record's `wakeAt`. A crash
/// anywhere leaves either nothing saved (the message is redelivered) or an outbox the next
/// loader publishes; notification ids are deterministic, so channel workers deliver each once.
final class EscalatorEngine: Sendable {
    let config: KlaxonConfig
    let policies: [String: EscalationPolicy]
    let store: IncidentStore
    let timers: TimerStore
    let publisher: any MessagePublishing
    let roster: @Sendable () -> Roster
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: EscalatorMetrics
    let topology: Topology
    let watchQueue: String
    /// This replica's name on timer leases.
    let owner: String
    /// How long a claimed timer is ours before another replica may take it.
    let leaseMillis: Int64

    init(
        config: KlaxonConfig, store: IncidentStore, timers: TimerStore, publisher: any MessagePublishing, roster: @escaping @Sendable () -> Roster,
        now: @escaping @Sendable () -> Date, logger: Logger, metrics: Metrics, owner: String, leaseMillis: Int64 = 30_000
    ) {
        self.config = config
        policies = Dictionary(config.escalationPolicies.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.store = store
        self.timers = timers
        self.publisher = publisher
        self.roster = roster
        self.now = now
        self.logger = logger
        self.metrics = EscalatorMetrics(metrics, policies: config.escalationPolicies.map(\.name), schedules: config.schedules.map(\.name))
        topology = Topology(namespace: config.broker.namespace)
        watchQueue = BrokerTopology(config: config).watchQueue
        self.owner = owner
        self.leaseMillis = leaseMillis
    }

    // MARK: - Messages

    /// Applies one message; a failure says whether to retry it or dead-letter it.
    func handle(_ message: EscalatorMessage) async -> Result<Void, DeliveryError> {
        do {
            switch message.type {
            case .alert: return try await handleAlert(message.alert!, policyName: message.policy!)
            case .command: return try await handleCommand(message.command!)
            case .watch: return try await handleWatch(message.watch!)
            }
        } catch let e as DeliveryError {
            return .failure(e)
        } catch {
            return .failure(.transient(.network, "\(error)"))
        }
    }

    func policy(_ name: String) throws -> EscalationPolicy {
        guard let p = policies[name] else {
            throw DeliveryError.permanent(.invalidPayload, "escalation policy \"\(name)\" is not in this escalator's config")
        }
        return p
    }

    func handleAlert(_ alert: Alert, policyName: String) async throws -> Result<Void, DeliveryError> {
        let policy = try policy(policyName)
        for _ in 0..<10 {
            let pointer = try await store.pointer(policy: policy.name, fingerprint: alert.fingerprint)
            if let pointer, pointer.resolvedAt == nil {
                let event: IncidentEvent = alert.status == .firing ? .alertFiring : .alertResolved
                var stillOpen = true
                var observed: Observed?
                var added: Set<String> = []
                let updated = try await store.updateVersioned(pointer.id) { r in
                    observed = nil
                    added = []
                    guard r.incident.status != .resolved else {
                        stillOpen = false
                        return nil
                    }
                    guard !r.hasApplied(alert.id) else { return nil }
                    var r = r
                    if alert.status == .firing { r.alert = alert }
                    let before = r.outboxIDs
                    observed = self.apply(event, to: &r, policy: policy, markApplied: alert.id)
                    added = r.outboxIDs.subtracting(before)
                    return r
                }
                if let updated, stillOpen {
                    observed?.count(in: metrics)
                    try await finish(updated, publishing: share(added, of: updated.record))
                    return .success(())
                }
                if updated != nil { continue }  // resolved meanwhile: this firing opens the next generation
                // The pointer names a record Redis no longer has: open it again under that generation.
                if alert.status == .resolved { return .success(()) }
                if try await open(alert, policy: policy, generation: pointer.generation) { return .success(()) }
                continue
            }
            // No open incident: a resolved alert has nothing to resolve; a firing one opens one.
            guard alert.status == .firing else { return .success(()) }
            let generation = pointer.map { $0.generation + 1 } ?? 0
            if try await open(alert, policy: policy, generation: generation) { return .success(()) }
        }
        return .failure(.transient(.inProgress, "incident for \(alert.fingerprint) under \(policy.name) kept changing; retrying"))
    }

    /// Opens the incident; false when another writer created it first (the caller re-reads).
    func open(_ alert: Alert, policy: EscalationPolicy, generation: Int) async throws -> Bool {
        let at = now()
        let (incident, actions) = Incident.open(policy: policy, fingerprint: alert.fingerprint, generation: generation, now: at)
        var record = IncidentRecord(incident: incident, alert: alert)
        record.markApplied(alert.id)
        let observed = effects(policy, at).apply(actions, to: &record).observed(policy: policy.name)
        guard let version = try await store.save(record, expected: 0) else { return false }
        observed.count(in: metrics)
        metrics.opened.inc(["policy": policy.name])
        logger.info("incident opened", ["incident": incident.id, "policy": policy.name, "fingerprint": alert.fingerprint, "title": alert.title])
        try await finish(IncidentStore.Versioned(record: record, version: version))
        return true
    }

    func handleCommand(_ command: IncidentCommand) async throws -> Result<Void, DeliveryError> {
        let event: IncidentEvent
        switch command.event {
        case .success(let e): event = e
        case .failure(let e): return .failure(.permanent(.invalidPayload, "\(e)"))
        }
        guard let stored = try await store.load(command.incidentID) else {
            return .failure(.permanent(.invalidPayload, "no incident \(command.incidentID) (never opened, expired, or lost with Redis)"))
        }
        let policy = try policy(stored.record.incident.policy)
        var observed: Observed?
        var added: Set<String> = []
        let updated = try await store.updateVersioned(command.incidentID, from: stored) { r in
            observed = nil
            added = []
            guard !r.hasApplied(command.id) else { return nil }
            var r = r
            let before = r.outboxIDs
            observed = self.apply(event, to: &r, policy: policy, markApplied: command.id)
            added = r.outboxIDs.subtracting(before)
            return r
        }
        observed?.count(in: metrics)
        if let updated { try await finish(updated, publishing: share(added, of: updated.record)) }
        return .success(())
    }

    /// Applies `event` at now: the transition and its effects; what to count once it is saved.
    func apply(_ event: IncidentEvent, to record: inout IncidentRecord, policy: EscalationPolicy, markApplied id: String?) -> Observed {
        let at = now()
        let before = record.incident
        let (incident, actions) = transition(before, event, now: at, policy: policy)
        record.incident = incident
        if let id { record.markApplied(id) }
        var observed = effects(policy, at).apply(actions, to: &record).observed(policy: policy.name)
        if let ack = incident.ack, incident.ack != before.ack {
            observed.acknowledgedVia = ack.via.rawValue
            if !before.timeline.contains(where: { if case .acknowledged = $0.what { true } else { false } }) {
                observed.timeToAck = at.timeIntervalSince(incident.openedAt)
            }
        }
        if case .timerDue(let t) = event, t.kind == .ackTimeout, before.isPending(t) { observed.ackTimedOut = true }
        if before.status != .resolved && incident.status == .resolved {
            if case .resolved = incident.timeline.last?.what { observed.resolvedBy = "person" } else { observed.resolvedBy = "source" }
        }
        return observed
    }

    func effects(_ policy: EscalationPolicy, _ at: Date) -> IncidentEffects {
        let secret = config.incidents.linkSecret
        let base = config.gateway.publicURL
        let ttl = config.incidents.linkTTLMillis
        return IncidentEffects(
            policy: policy, roster: roster(),
            link: { id, person, resolved in
                guard let secret, let base, !resolved else { return nil }
                let expires = Int64(at.timeIntervalSince1970) + ttl / 1000
                return IncidentLink(incidentID: id, person: person, expires: expires).url(publicURL: base, secret: secret)
            }, now: at)
    }

    // MARK: - Watch

    func handleWatch(_ watch: IncidentWatch) async throws -> Result<Void, DeliveryError> {
        let at = now()
        let half = TimeInterval(config.incidents.watchIntervalMillis) / 2000
        guard let stored = try await store.load(watch.incidentID) else {
            return try await recover(watch, at: at)
        }
        var keep = true
        let updated = try await store.updateVersioned(watch.incidentID, from: stored) { r in
            // Resolved: the chain ends. Back less than half an interval ago: a second chain, dropped.
            if r.incident.status == .resolved || (r.lastWatchAt.map { at.timeIntervalSince($0) < half } ?? false) {
                keep = false
                return nil
            }
            var r = r
            r.lastWatchAt = at
            return r
        }
        guard keep, let updated else { return .success(()) }
        // An outbox older than half the interval was left by a writer that died: publish it.
        try await finish(updated, publishing: share([], of: updated.record))
        // Repair the timer if Redis lost or skewed it (a restore from an old snapshot).
        if let wake = updated.record.wakeAt {
            let due = try await timers.due(updated.record.incident.id)
            if due == nil || due! > wake.addingTimeInterval(1) { try await timers.schedule(updated.record.incident.id, at: wake) }
        }
        try await publishWatch(watch)
        return .success(())
    }

    /// The watch of an incident Redis does not have: unless a later incident or a resolution
    /// replaced it, reopen it from step 0 with a fresh round (new notification ids, in case the
    /// delivered records survived): a page again, never silence.
    func recover(_ watch: IncidentWatch, at: Date) async throws -> Result<Void, DeliveryError> {
        let policy = try policy(watch.policy)
        if let pointer = try await store.pointer(policy: watch.policy, fingerprint: watch.alert.fingerprint),
            pointer.generation > watch.generation || pointer.resolvedAt != nil
        {
            return .success(())
        }
        let (opened, actions) = Incident.open(
            policy: policy, fingerprint: watch.alert.fingerprint, generation: watch.generation, round: Int(at.timeIntervalSince1970), now: at)
        var record = IncidentRecord(incident: opened, alert: watch.alert)
        record.incident.timeline.append(TimelineEntry(at: at, .recovered(since: watch.openedAt)))
        let observed = effects(policy, at).apply(actions, to: &record).observed(policy: policy.name)
        record.lastWatchAt = at
        guard let version = try await store.save(record, expected: 0) else { return .success(()) }  // another replica recovered it
        observed.count(in: metrics)
        metrics.recovered.inc()
        logger.error(
            "incident missing from Redis: reopened from its watch and paged again (Redis lost data?)",
            ["incident": watch.incidentID, "policy": watch.policy, "fingerprint": watch.alert.fingerprint])
        try await finish(IncidentStore.Versioned(record: record, version: version))
        try await publishWatch(watch)
        return .success(())
    }

    func publishWatch(_ watch: IncidentWatch) async throws {
        try await publisher.publish(OutboundMessage(.watch(watch), topology: topology, queue: watchQueue))
    }

    // MARK: - Timers

    /// Fires the timers due now, and those falling due meanwhile, until none is due and none is
    /// in flight (or until `stopping()`, once the fires in flight finished). Up to `window` fires
    /// run at once and a quarter of the window freed is claimed again at once, so a fire waiting
    /// on Redis or a broker confirm holds up only its own timer, not the next batch. While fires
    /// are in flight and nothing more was due, it looks again every `tick`.
    func fireDue(window: Int = 256, tick: Duration = .milliseconds(100), stopping: @escaping @Sendable () -> Bool = { false }) async {
        let refill = max(1, window / 4)
        await withTaskGroup(of: Bool.self) { group in  // true: a fire finished; false: the tick passed
            var firing = 0
            var waiting = false
            var moreDue = true  // the last claim was full: claim again without waiting for the tick
            var lastClaim = ContinuousClock.now
            while true {
                let room = window - firing
                if !stopping() && room > 0 && (firing == 0 || room >= refill) && (moreDue || ContinuousClock.now >= lastClaim + tick) {
                    let ids = await claimDue(limit: room)
                    lastClaim = .now
                    moreDue = ids.count == room
                    for id in ids {
                        group.addTask {
                            do { try await self.fire(id) } catch {
                                // The lease runs out and the timer is claimed again.
                                self.logger.error("firing a timer failed; it is retried when its lease ends", ["incident": id, "error": "\(error)"])
                            }
                            return true
                        }
                    }
                    firing += ids.count
                }
                if firing == 0 { break }
                if !moreDue && !waiting {
                    waiting = true
                    let next = lastClaim + tick
                    group.addTask {
                        try? await Task.sleep(until: next)
                        return false
                    }
                }
                if let fired = await group.next() {
                    if fired { firing -= 1 } else { waiting = false }
                }
            }
            group.cancelAll()  // a pending tick
        }
    }

    /// Claims up to `limit` due timers; none (logged) when Redis fails.
    func claimDue(limit: Int) async -> [String] {
        do { return try await timers.claimDue(now: now(), limit: limit, leaseMillis: leaseMillis, owner: owner) } catch {
            logger.error("claiming due timers failed; retrying", ["error": "\(error)"])
            return []
        }
    }

    func fire(_ id: String) async throws {
        let at = now()
        var lateness: TimeInterval?
        var observed = Observed()
        var changed = false
        var added: Set<String> = []
        let updated = try await store.updateVersioned(id) { r in
            observed = Observed()
            lateness = nil
            changed = false
            added = []
            guard let policy = self.policies[r.incident.policy] else { return nil }
            var r = r
            let before = r.outboxIDs
            defer { added = r.outboxIDs.subtracting(before) }
            if r.incident.status == .triggered {
                let due = r.delayed.filter { $0.due <= at }
                if !due.isEmpty {
                    lateness = due.map { at.timeIntervalSince($0.due) }.max()
                    r.queue(due.map(\.notification), at: at)
                    r.delayed.removeAll { $0.due <= at }
                    changed = true
                }
            }
            if let t = r.incident.timer, t.at <= at {
                lateness = max(lateness ?? 0, at.timeIntervalSince(t.at))
                observed = self.apply(.timerDue(t), to: &r, policy: policy, markApplied: nil)
                changed = true
            }
            return changed ? r : nil
        }
        guard let updated else {
            try await timers.cancel(id)  // gone (its watch reopens it if Redis lost it)
            return
        }
        if policies[updated.record.incident.policy] == nil {
            logger.error(
                "an open incident's policy is no longer in the config: it stays open, unpaged",
                ["incident": id, "policy": updated.record.incident.policy])
            try await timers.cancel(id)
            return
        }
        guard changed else {
            // Woken early (a replica set the timer from an older copy): set it right; the
            // outbox belongs to the writer publishing it, unless that writer died.
            try await finish(updated, publishing: share([], of: updated.record))
            return
        }
        observed.count(in: metrics)
        if let lateness {
            metrics.timerLateness.observe(lateness)
            metrics.timersFired.inc()
        }
        try await finish(updated, publishing: share(added, of: updated.record))
    }

    // MARK: - After a save

    /// Whether the record's outbox was left by a writer that died: older than half the watch
    /// interval (at most 5 s), long past the moment a live writer needs to publish and clear it.
    func isStale(_ record: IncidentRecord) -> Bool {
        guard let since = record.outboxSince else { return false }
        let grace = min(5, TimeInterval(config.incidents.watchIntervalMillis) / 2000)
        return now().timeIntervalSince(since) >= grace
    }

    /// Which outbox entries a writer publishes: those it queued itself (`added`); the rest belong
    /// to the writer publishing them right now, unless the outbox is stale (that writer died),
    /// then all (nil). Publishing another writer's entries sent them twice: a call that failed
    /// at once was placed again when its outcome command, handled meanwhile, flushed the outbox
    /// its page was still in (`VoiceAcknowledgeTests`, under load).
    func share(_ added: Set<String>, of record: IncidentRecord) -> Set<String>? { isStale(record) ? nil : added }

    /// Publishes the record's outbox, or of it the entries named by `publishing` (see `share`),
    /// and its first watch; clears what was published, and sets the incident's timer to
    /// `wakeAt` (or drops it). `stored` is the record as saved (or loaded) at its version: the
    /// outbox is cleared by a compare-and-set on that version, and only if another writer saved
    /// since is the record loaded again.
    func finish(_ stored: IncidentStore.Versioned, publishing mine: Set<String>? = nil) async throws {
        let record = stored.record
        let id = record.incident.id
        let needsWatch = record.lastWatchAt == nil && record.incident.status != .resolved
        let outbox = mine.map { ids in record.outbox.filter { ids.contains($0.id) } } ?? record.outbox
        if !outbox.isEmpty || needsWatch {
            var messages = outbox.map { OutboundMessage($0, topology: topology) }
            if needsWatch {
                let watch = IncidentWatch(
                    incidentID: id, policy: record.incident.policy, generation: record.incident.generation, openedAt: record.incident.openedAt,
                    alert: record.alert)
                messages.append(OutboundMessage(.watch(watch), topology: topology, queue: watchQueue))
            }
            try await publisher.publish(messages)
            for n in outbox { metrics.published.inc(["channel": n.channel, "kind": n.incident?.kind ?? "page"]) }
            let published = Set(outbox.map(\.id))
            let at = now()
            // Usually nobody saved since: the copy in hand is changed without reading it back.
            _ = try await store.updateVersioned(id, from: stored) { r in
                guard !published.isEmpty || (needsWatch && r.lastWatchAt == nil) else { return nil }
                var r = r
                r.dequeue(published)
                if needsWatch && r.lastWatchAt == nil { r.lastWatchAt = at }
                return r
            }
        }
        if let wake = record.wakeAt {
            try await timers.schedule(id, at: wake)
        } else {
            try await timers.cancel(id)
        }
    }
}
