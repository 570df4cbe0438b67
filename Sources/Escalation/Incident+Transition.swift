import AlertCore
import Foundation
import OnCall

/// Applies `event` at `now` to `incident` under `policy`: the new incident and what the caller
/// must do. Pure and total: an event that makes no sense in the incident's state (acknowledging a
/// resolved incident, a stale or twice-delivered timer) changes nothing but an `ignored` timeline
/// entry, and yields no action.
///
/// The semantics (docs/escalation.md has the full state table):
/// - Step 0 fires when the incident opens (`Incident.open`). Each later step fires when the
///   previous step's `wait` has passed, only while `triggered`. The wait counts from the step
///   timer's due instant, so late timers do not accumulate drift and replicas agree.
/// - After the last step's wait: with loops left, the next loop starts at `repeat_from`;
///   otherwise the policy's `exhausted` targets are told once and the incident stays open and
///   triggered with no timer (never silent, never auto-resolved).
/// - A step whose `when` condition is false at the instant it would fire is skipped: the next
///   step is tried at the same instant (skip, not delay).
/// - Acknowledge stops paging, tells the team and those paged, and, with `ack_timeout`,
///   schedules a reminder to the acknowledger `ack_reminder_before` ahead, then the expiry. The
///   acknowledger acknowledging again renews it; another person acknowledging takes it over.
/// - Ack expiry: back to triggered, the team and the acknowledger are told, and paging restarts
///   from step 0 with a fresh set of loops (like PagerDuty's acknowledgement timeout: the
///   incident is as new).
/// - Snooze (from triggered or acknowledged; the acknowledgement is dropped) pauses paging until
///   the instant; when it ends (timer or unsnooze) the current step fires again, then the
///   climb continues.
/// - Escalate now (from any open state) fires the next step at once; past the last step it
///   starts the next loop at `repeat_from` while loops remain, else wraps to step 0 (as GoAlert's
///   forced escalation does) and the run counts as new: running out again tells the team again.
/// - The source's resolved alert resolves the incident when `resolve_on_source_resolved`, else it
///   is only recorded. Resolving tells the team and everyone paged so far.
/// - Repeats of the alert attach: counted, shown in the next page, nobody paged for them.
public func transition(_ incident: Incident, _ event: IncidentEvent, now: Date, policy: EscalationPolicy) -> (Incident, [IncidentAction]) {
    var machine = IncidentMachine(incident: incident, policy: policy, now: now)
    machine.apply(event)
    return (machine.incident, machine.actions)
}

extension Incident {
    /// Opens the incident for `fingerprint` under `policy` at `now` and fires its first step
    /// (or the first whose condition holds). `generation` counts earlier, resolved incidents of
    /// the same (policy, fingerprint). A nonzero `round` gives the pages new notification ids
    /// (an incident reopened after Redis lost it must not be taken for the pages already sent).
    public static func open(
        policy: EscalationPolicy, fingerprint: String, generation: Int = 0, round: Int = 0, now: Date
    ) -> (Incident, [IncidentAction]) {
        let incident = Incident(
            id: Incident.id(policy: policy.name, fingerprint: fingerprint, generation: generation), policy: policy.name,
            fingerprint: fingerprint, generation: generation, status: .triggered, step: 0, loop: 0, round: round, stepFiredAt: now,
            exhaustedNotified: false, timer: nil, ack: nil, snoozedUntil: nil, repeats: 0, sourceResolved: false,
            paged: EscalationTargets(), openedAt: now, resolvedAt: nil, timeline: [TimelineEntry(at: now, .opened)])
        var machine = IncidentMachine(incident: incident, policy: policy, now: now)
        machine.climb(from: 0, loop: 0, at: now)
        return (machine.incident, machine.actions)
    }
}

/// The transition's working state: the incident being changed and the actions so far.
struct IncidentMachine {
    var incident: Incident
    let policy: EscalationPolicy
    let now: Date
    var actions: [IncidentAction] = []

    /// A machine over `incident` under `policy` at `now`, with no actions yet.
    init(incident: Incident, policy: EscalationPolicy, now: Date) {
        self.incident = incident
        self.policy = policy
        self.now = now
    }

    /// Applies one event (the cases of `transition`).
    mutating func apply(_ event: IncidentEvent) {
        let status = incident.status
        switch event {
        case _ where status == .resolved:
            ignore(event)
        case .alertFiring:
            incident.repeats += 1
            log(.repeatAttached(count: incident.repeats))
        case .alertResolved:
            incident.sourceResolved = true
            log(.sourceResolved(resolvesIncident: policy.resolveOnSourceResolved))
            if policy.resolveOnSourceResolved { finish(.resolved(by: nil, via: nil)) }
        case .callOutcome(let by, let outcome):
            log(.callOutcome(by: by, outcome: outcome))
            if !outcome.reached && status == .triggered { actions.append(.hurry(by)) }
        case .acknowledge(let by, let via) where policy.resolveOnAcknowledge:
            // Answered is all this policy asks: acknowledged and over, one message.
            incident.ack = Acknowledgement(by: by, via: via, at: now)
            log(.acknowledged(by: by, via: via))
            log(.resolved(by: by, via: via))
            finish(.resolved(by: by, via: via))
        case .acknowledge(let by, let via):
            acknowledge(by: by, via: via)
        case .resolve(let by, let via):
            log(.resolved(by: by, via: via))
            finish(.resolved(by: by, via: via))
        case .snooze(let until, let by, let via):
            guard until > now else { return ignore(event) }
            incident.status = .snoozed
            incident.ack = nil
            incident.snoozedUntil = until
            log(.snoozed(until: until, by: by, via: via))
            setTimer(IncidentTimer(.snoozeEnd, at: until))
        case .unsnooze(let by, let via):
            guard status == .snoozed else { return ignore(event) }
            resume(by: by, via: via, at: now)
        case .escalateNow(let by, let via):
            log(.escalated(by: by, via: via))
            incident.status = .triggered
            incident.ack = nil
            incident.snoozedUntil = nil
            let next = incident.step + 1
            if next >= policy.steps.count && incident.loop >= policy.repeatCount {
                // Wrap to step 0 as a new run (GoAlert's forced escalation wraps likewise).
                incident.exhaustedNotified = false
                climb(from: 0, loop: incident.loop + 1, at: now)
            } else {
                climb(from: next, loop: incident.loop, at: now)
            }
        case .timerDue(let t):
            guard incident.isPending(t) else { return ignore(event) }
            timerDue(t)
        }
    }

    /// The pending timer `t` fired: the next step, the snooze's end, the reminder or the expiry.
    mutating func timerDue(_ t: IncidentTimer) {
        incident.timer = nil
        switch t.kind {
        case .step:
            climb(from: incident.step + 1, loop: incident.loop, at: t.at)
        case .snoozeEnd:
            resume(by: nil, via: nil, at: t.at)
        case .ackReminder:
            guard let ack = incident.ack, let timeout = policy.ackTimeoutMillis else { return }
            let expiresAt = ack.at.addingTimeInterval(Double(timeout) / 1000)
            log(.ackReminded(by: ack.by))
            tell(.ackExpiring(by: ack.by, expiresAt: expiresAt), to: EscalationTargets(people: [ack.by]))
            setTimer(IncidentTimer(.ackTimeout, at: expiresAt))
        case .ackTimeout:
            guard let ack = incident.ack else { return }
            log(.ackExpired(by: ack.by))
            tell(.ackExpired(by: ack.by), to: policy.team.union(EscalationTargets(people: [ack.by])))
            incident.status = .triggered
            incident.ack = nil
            incident.round += 1
            incident.exhaustedNotified = false
            climb(from: 0, loop: 0, at: t.at)
        }
    }

    /// Stops paging; starts the acknowledgement's reminder or expiry when the policy has a timeout.
    mutating func acknowledge(by: PersonID, via: ActionPath) {
        let previous = incident.status == .acknowledged ? incident.ack?.by : nil
        incident.status = .acknowledged
        incident.ack = Acknowledgement(by: by, via: via, at: now)
        incident.snoozedUntil = nil
        log(.acknowledged(by: by, via: via))
        // The acknowledger renewing their own acknowledgement is not news for the team.
        if previous != by { tell(.acknowledged(by: by, via: via), to: policy.team.union(incident.paged)) }
        if let timeout = policy.ackTimeoutMillis {
            let reminder = policy.ackReminderBeforeMillis
            if reminder > 0 && reminder < timeout {
                setTimer(IncidentTimer(.ackReminder, at: now.addingTimeInterval(Double(timeout - reminder) / 1000)))
            } else {
                setTimer(IncidentTimer(.ackTimeout, at: now.addingTimeInterval(Double(timeout) / 1000)))
            }
        } else {
            cancelTimer()
        }
    }

    /// Ends a snooze: the current step fires again (a new round, so it pages anew).
    mutating func resume(by: PersonID?, via: ActionPath?, at instant: Date) {
        log(.unsnoozed(by: by, via: via))
        incident.status = .triggered
        incident.snoozedUntil = nil
        incident.round += 1
        incident.exhaustedNotified = false
        climb(from: incident.step, loop: incident.loop, at: instant)
    }

    /// Fires the first step from `start` in pass `loop` whose condition holds at `instant`,
    /// moving to the next loop (at `repeat_from`) past the last step while loops remain; with
    /// none left, tells the `exhausted` targets once and leaves no timer.
    mutating func climb(from start: Int, loop startLoop: Int, at instant: Date) {
        let count = policy.steps.count
        var index = start
        var loop = startLoop
        // Each turn moves to a later step or a later loop, and loops stop at `repeatCount`, so this
        // ends even when every condition is false.
        while true {
            if index >= count {
                if loop < policy.repeatCount {
                    loop += 1
                    index = min(policy.repeatFrom, count - 1)
                    continue
                }
                incident.step = count - 1
                incident.loop = loop
                cancelTimer()
                if !incident.exhaustedNotified {
                    incident.exhaustedNotified = true
                    log(.exhausted(loops: loop + 1))
                    tell(.exhausted(loops: loop + 1), to: policy.exhausted)
                }
                return
            }
            let step = policy.steps[index]
            if let condition = step.condition, !condition.holds(at: instant, in: policy.clock) {
                log(.stepSkipped(step: index, loop: loop))
                index += 1
                continue
            }
            incident.step = index
            incident.loop = loop
            incident.stepFiredAt = instant
            log(.stepFired(step: index, loop: loop))
            actions.append(
                .notify(
                    NotifyAction(
                        incidentID: incident.id, step: index, loop: loop, round: incident.round,
                        targets: step.targets, urgency: step.urgency, repeats: incident.repeats)))
            setTimer(IncidentTimer(.step, at: instant.addingTimeInterval(Double(step.waitMillis) / 1000)))
            return
        }
    }

    /// Resolves the incident and tells the team and everyone paged.
    mutating func finish(_ message: TeamMessage) {
        incident.status = .resolved
        incident.resolvedAt = now
        incident.snoozedUntil = nil
        cancelTimer()
        tell(message, to: policy.team.union(incident.paged))
    }

    /// Makes `t` the incident's one timer (the action replaces any pending one).
    mutating func setTimer(_ t: IncidentTimer) {
        incident.timer = t
        actions.append(.schedule(t))
    }

    /// Drops the pending timer, if there is one.
    mutating func cancelTimer() {
        guard incident.timer != nil else { return }
        incident.timer = nil
        actions.append(.cancelTimers)
    }

    /// Tells `audience` `message`, seeded by the timeline position of its cause.
    mutating func tell(_ message: TeamMessage, to audience: EscalationTargets) {
        let seed = "\(incident.id)\u{0}\(incident.timeline.count)\u{0}\(message.kind)"
        actions.append(.tell(TellAction(incidentID: incident.id, message: message, audience: audience, seed: seed)))
    }

    /// Appends a timeline entry at `now`.
    mutating func log(_ what: TimelineEntry.What) {
        incident.timeline.append(TimelineEntry(at: now, what))
    }

    /// Records an event that makes no sense in the current state; nothing else changes.
    mutating func ignore(_ event: IncidentEvent) {
        log(.ignored(event: event.name, status: incident.status))
    }
}
