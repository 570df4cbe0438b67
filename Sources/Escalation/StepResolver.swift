import AlertCore
import Foundation
import OnCall

/// One message to one recipient on one channel, resolved from a step's (or a tell's) targets.
public struct Delivery: Sendable, Hashable {
    /// The idempotency key: `Fingerprint.hash(seed, channel, recipient)`.
    public var id: String
    /// The channel name (`email`, `dingtalk`, …; `sms`, `voice` once Klaxon has those workers).
    public var channel: String
    /// The address, robot name or phone number.
    public var recipient: String
    /// Whom a robot message @mentions (people reached by this step on that platform).
    public var mentions: [String]
    /// Seconds after the step fired at which this contact step is due (a person's delayed
    /// contact rule): the escalator sends it then unless the incident was acknowledged meanwhile.
    public var afterSeconds: Int
    /// The people whose contact step this is (none for a robot or address the step names; more
    /// than one when two share an address): a call they did not answer brings their later
    /// steps forward (`IncidentAction.hurry`).
    public var people: [PersonID] = []
}

/// The concrete recipients of a step at an instant.
public struct Resolution: Sendable, Hashable {
    /// One per channel and recipient, in target order (people's contact steps after the robots
    /// and addresses the step names).
    public var deliveries: [Delivery] = []
    /// Who was reached: people (from `people` and the schedules' on-call sets), robots and
    /// addresses. The caller records it in the incident (`Incident.record`).
    public var paged = EscalationTargets()
    /// Schedules with nobody on call at the instant (the next step still fires: never silent).
    public var gaps: [String] = []
    /// People named or on call who have no contact step for the urgency on a channel they are
    /// reachable on (reported, so a step that reaches nobody shows why).
    public var unreachable: [PersonID] = []
}

/// Turns targets into recipients against a `Roster` at an instant, with the router's contact
/// rules: each person's steps for the urgency (important falls back to default); e-mail to their
/// address, chat to their robot with an @mention, SMS and voice to their phone; the step's robots
/// @mention everyone the step reaches. Pure.
public enum StepResolver {
    /// The recipients of a fired step at `instant`.
    public static func resolve(_ action: NotifyAction, roster: Roster, at instant: Date) -> Resolution {
        resolve(action.targets, urgency: action.urgency, seed: action.seed, roster: roster, at: instant)
    }

    /// The recipients of a message to the team (default urgency, delays ignored: it is news,
    /// not a page).
    public static func resolve(_ action: TellAction, roster: Roster, at instant: Date) -> Resolution {
        var r = resolve(action.audience, urgency: .default, seed: action.seed, roster: roster, at: instant)
        for i in r.deliveries.indices { r.deliveries[i].afterSeconds = 0 }
        return r
    }

    /// The recipients of `targets` at `instant`; ids derive from `seed`, channel and recipient.
    public static func resolve(_ targets: EscalationTargets, urgency: Urgency, seed: String, roster: Roster, at instant: Date) -> Resolution {
        var result = Resolution()
        var people = targets.people
        for schedule in targets.schedules {
            let who = roster.onCall(schedule, at: instant)
            if who.isEmpty && !result.gaps.contains(schedule) { result.gaps.append(schedule) }
            for p in who where !people.contains(p) { people.append(p) }
        }
        let persons = people.compactMap { roster.people[$0] }
        var index: [String: Int] = [:]
        func add(_ channel: String, _ recipient: String, mentions: [String], after: Int, person: PersonID? = nil) {
            let key = "\(channel)\u{0}\(recipient)"
            if let i = index[key] {
                for m in mentions where !result.deliveries[i].mentions.contains(m) { result.deliveries[i].mentions.append(m) }
                result.deliveries[i].afterSeconds = min(result.deliveries[i].afterSeconds, after)
                if let person, !result.deliveries[i].people.contains(person) { result.deliveries[i].people.append(person) }
                return
            }
            index[key] = result.deliveries.count
            let id = Fingerprint.hash("\(seed)\u{0}\(channel)\u{0}\(recipient)")
            result.deliveries.append(
                Delivery(id: id, channel: channel, recipient: recipient, mentions: mentions, afterSeconds: after, people: person.map { [$0] } ?? []))
            if let c = Channel(rawValue: channel) { result.paged.add(c, recipient) }
        }
        for target in targets.channels {
            let mentions = target.channel.isChat ? persons.compactMap { $0.mention(on: target.channel.rawValue) } : []
            for recipient in target.recipients { add(target.channel.rawValue, recipient, mentions: mentions, after: 0) }
        }
        for person in persons {
            var reached = false
            for step in person.steps(for: urgency) where person.isReachable(on: step.channel) {
                switch step.channel {
                case "email": add("email", person.email!, mentions: [], after: step.delaySeconds, person: person.id)
                case "sms", "voice": add(step.channel, person.phone!, mentions: [], after: step.delaySeconds, person: person.id)
                default:
                    guard let robot = person.robot(on: step.channel) else { continue }
                    add(
                        step.channel, robot, mentions: person.mention(on: step.channel).map { [$0] } ?? [], after: step.delaySeconds,
                        person: person.id)
                }
                reached = true
            }
            if reached {
                if !result.paged.people.contains(person.id) { result.paged.people.append(person.id) }
            } else if !result.unreachable.contains(person.id) {
                result.unreachable.append(person.id)
            }
        }
        for id in people where roster.people[id] == nil && !result.unreachable.contains(id) { result.unreachable.append(id) }
        return result
    }

    /// The notifications for the deliveries due now (`afterSeconds == 0`), carrying `alert`
    /// (whose `suppressedRepeats` the caller sets to the incident's repeats) under the policy's
    /// name as the route.
    public static func notifications(_ resolution: Resolution, alert: Alert, policy: String) -> [AlertNotification] {
        resolution.deliveries.filter { $0.afterSeconds == 0 }.map { d in
            AlertNotification(
                id: d.id, channel: d.channel, recipients: [d.recipient], route: policy,
                mentions: Channel(rawValue: d.channel)?.isChat == true ? d.mentions : nil, alert: alert)
        }
    }
}

extension Incident {
    /// Records who a fired step reached: adds them to `paged` (told when the incident resolves)
    /// and appends a `paged` timeline entry.
    public mutating func record(_ resolution: Resolution, for action: NotifyAction, at instant: Date) {
        paged = paged.union(resolution.paged)
        let recipients = resolution.deliveries.map { "\($0.channel):\($0.recipient)" }
        timeline.append(TimelineEntry(at: instant, .paged(step: action.step, loop: action.loop, recipients: recipients, gaps: resolution.gaps)))
    }
}
