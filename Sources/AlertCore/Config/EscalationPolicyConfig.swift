import Foundation
import OnCall

/// Reads `escalation_policies:`. People, schedules and robots must be read first: a step naming
/// one that does not exist is an error with its path, like every other problem here.
///
/// ```yaml
/// escalation_policies:
///   - name: db
///     time_zone: Europe/Berlin              # conditions are read on this wall clock (default UTC)
///     steps:
///       - notify: {schedules: [db], dingtalk: [ops]}
///         urgency: important                # default | important: each person's contact rules
///         wait: 10m                         # before the next step (required)
///       - notify: {people: [manager], email: [dba-leads@example.com]}
///         wait: 15m
///         when: {days: [mon, tue, wed, thu, fri], hours: "09:00-18:00", outside: true}
///     repeat: 3                             # passes after the first (default 0)
///     repeat_from: 1                        # 0-based step each repeat starts at (default 0)
///     ack_timeout: 1h                       # an acknowledgement expires (default: never)
///     ack_reminder_before: 5m               # remind the acknowledger first (default 5m; 0s = no reminder)
///     resolve_on_source_resolved: true      # default true
///     resolve_on_acknowledge: false         # an acknowledgement also resolves (default false)
///     team: {dingtalk: [ops]}               # told of acks, resolutions, expiries (default: exhausted)
///     exhausted: {dingtalk: [ops], email: [oncall-leads@example.com]}   # required
/// ```
enum EscalationPolicyConfig {
    /// Longest `repeat`: a policy that must page forever should say so with a large number and
    /// an `exhausted` message, not loop unbounded in memory.
    static let maxRepeat = 1000

    /// Every policy of `top.escalation_policies`; problems go to the diagnostics with their paths.
    static func read(_ top: MappingReader, known: KnownNames) -> [EscalationPolicy] {
        var out: [EscalationPolicy] = []
        var names: Set<String> = []
        for p in top.mappings("escalation_policies") {
            if let policy = readPolicy(p, known: known) {
                if !names.insert(policy.name).inserted {
                    p.report("name", "duplicate escalation policy name \"\(policy.name)\"")
                } else {
                    out.append(policy)
                }
            }
        }
        return out
    }

    /// One policy, or nil when it has a problem (reported).
    static func readPolicy(_ p: MappingReader, known: KnownNames) -> EscalationPolicy? {
        defer { p.finish() }
        let name = p.requiredString("name") ?? ""
        let zoneName = p.string("time_zone") ?? "UTC"
        let zone = TimeZone(identifier: zoneName)
        if zone == nil { p.report("time_zone", "unknown time zone \"\(zoneName)\" (use an IANA name like Europe/Berlin)") }
        let stepReaders = p.mappings("steps")
        if stepReaders.isEmpty { p.report("steps", "a policy needs at least one step") }
        let steps = stepReaders.compactMap { readStep($0, known: known) }
        let repeatCount = p.int("repeat", default: 0, range: 0...maxRepeat)
        let repeatFrom = p.int("repeat_from", default: 0, range: 0...999)
        if !stepReaders.isEmpty && repeatFrom >= stepReaders.count {
            p.report("repeat_from", "step index \(repeatFrom) is out of range: the policy has \(stepReaders.count) step(s), numbered from 0")
        }
        var ackTimeout: Int64? = nil
        if p.node("ack_timeout") != nil { ackTimeout = p.duration("ack_timeout", default: 0, min: 1000) }
        let reminder = p.duration("ack_reminder_before", default: 300_000)
        if let t = ackTimeout, t > 0, reminder >= t, p.node("ack_reminder_before") != nil {
            p.report("ack_reminder_before", "must be shorter than ack_timeout (\(formatDurationMillis(t)))")
        }
        let resolveOnSource = p.bool("resolve_on_source_resolved", default: true)
        let resolveOnAck = p.bool("resolve_on_acknowledge", default: false)
        let exhausted = readTargets(p, key: "exhausted", known: known)
        if exhausted == nil || exhausted!.isEmpty {
            p.report("exhausted", "missing (required): whom to tell \"still open, nobody acknowledged\" when the steps run out")
        }
        let team = p.node("team") == nil ? nil : readTargets(p, key: "team", known: known)
        if let team, team.isEmpty { p.report("team", "name at least one robot, address, person or schedule, or remove team") }
        guard !name.isEmpty, let zone, !steps.isEmpty, steps.count == stepReaders.count, repeatFrom < steps.count,
            let exhausted, !exhausted.isEmpty, ackTimeout != 0
        else { return nil }
        // A reminder at or before the acknowledgement itself is no reminder.
        let effectiveReminder = ackTimeout.map { reminder < $0 ? reminder : 0 } ?? reminder
        return EscalationPolicy(
            name: name, timeZone: zone, steps: steps, repeatCount: repeatCount, repeatFrom: repeatFrom,
            ackTimeoutMillis: ackTimeout, ackReminderBeforeMillis: effectiveReminder,
            resolveOnSourceResolved: resolveOnSource, resolveOnAcknowledge: resolveOnAck, exhausted: exhausted, team: team)
    }

    /// One step, or nil when it has a problem (reported).
    static func readStep(_ s: MappingReader, known: KnownNames) -> EscalationPolicy.Step? {
        defer { s.finish() }
        let targets = readTargets(s, key: "notify", known: known)
        if targets == nil || targets!.isEmpty { s.report("notify", "a step must notify someone (schedules, people, robots or addresses)") }
        let urgency = s.oneOf("urgency", default: Urgency.default)
        var wait: Int64? = nil
        if s.node("wait") == nil {
            s.report("wait", "missing (required): how long to wait before the next step, such as 10m")
        } else {
            let w = s.duration("wait", default: -1, min: 1000)
            if w >= 1000 { wait = w }
        }
        var condition: EscalationPolicy.Condition? = nil
        if s.node("when") != nil, let w = s.mapping("when") {
            let before = w.diagnostics.issues.count
            let restriction = SchedulesConfig.readRestriction(w)
            let outside = w.bool("outside", default: false)
            w.finish()
            if let restriction {
                condition = EscalationPolicy.Condition(restriction, outside: outside)
            } else if w.diagnostics.issues.count == before {
                w.diagnostics.report(w.path, "give days, hours or both", line: w.line)
            }
        }
        guard let targets, !targets.isEmpty, let wait else { return nil }
        return EscalationPolicy.Step(targets: targets, urgency: urgency, waitMillis: wait, condition: condition)
    }

    /// A mapping of `schedules`, `people` and channel lists (`dingtalk: [ops]`, `email: [a@b.c]`),
    /// each name checked against the config; nil when the key is absent or not a mapping.
    static func readTargets(_ owner: MappingReader, key: String, known: KnownNames) -> EscalationTargets? {
        guard owner.node(key) != nil, let m = owner.mapping(key) else { return nil }
        var targets = EscalationTargets()
        for t in RouterConfig.readTargets(m, known: known, key: nil) {
            targets.channels.append(ChannelTarget(t.channel, t.recipients))
        }
        if let list = m.stringList("schedules") {
            known.check(list, against: known.schedules, what: "schedule named", section: "schedules", in: m, key: "schedules")
            targets.schedules = list
        }
        if let list = m.stringList("people") {
            known.check(list, against: known.people, what: "person with id", section: "people", in: m, key: "people")
            targets.people = list.map { PersonID($0) }
        }
        m.finish()
        return targets
    }
}
