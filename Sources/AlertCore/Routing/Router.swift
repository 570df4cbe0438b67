import Foundation
import OnCall

/// What routing one alert decided.
public struct Routing: Sendable {
    /// One per channel and recipient, in route order.
    public var notifications: [AlertNotification] = []
    /// Schedules of the matched routes with nobody on call when the alert was routed; their
    /// route's fallback was notified instead (a gap is never silent).
    public var gaps: [String] = []
    /// The people on call per schedule of the matched routes, when the alert was routed.
    public var onCall: [String: [PersonID]] = [:]
    /// Contact steps with a delay that were not sent: they wait for an acknowledgement, which only
    /// an escalation policy tracks.
    public var delayedSteps = 0
    /// The escalation policies of the matched routes, in route order without repeats: the router
    /// hands the alert to the escalator for each (one incident per policy and fingerprint).
    public var escalationPolicies: [String] = []
}

/// Decides who hears about an alert. Pure: config, roster and instant in, notifications out.
public enum AlertRouter {
    /// `route(_:config:chat:roster:at:)` without people or schedules.
    public static func notifications(for alert: Alert, config: RouterConfig, chat: ChatConfig = ChatConfig()) -> [AlertNotification] {
        route(alert, config: config, chat: chat, roster: .empty, at: Date(timeIntervalSince1970: 0)).notifications
    }

    /// One notification per channel and recipient of the matched routes. Ids are derived from the
    /// alert id, channel and recipient, so a redelivered alert yields the same ids and channel
    /// workers skip what they already sent. A route's people and the people on call for its
    /// schedules at `instant` are reached through their contact rules for the route's urgency
    /// (steps without a delay); the route's robots also @mention the people on call. Each
    /// notification carries what its channel needs: the template (the route's, else the
    /// robot's) and, for a robot, whom to @-mention, for firing alerts only (a resolved alert
    /// wakes nobody up).
    public static func route(_ alert: Alert, config: RouterConfig, chat: ChatConfig = ChatConfig(), roster: Roster, at instant: Date) -> Routing {
        var matched: [Route] = []
        for route in config.routes where route.matches(alert) {
            matched.append(route)
            if !route.continueMatching { break }
        }
        if matched.isEmpty { matched = [config.defaultRoute] }

        var result = Routing()
        var index: [String: Int] = [:]
        /// Adds (or, for a recipient already reached, merges mentions into) one notification.
        func add(_ channel: Channel, _ recipient: String, route: Route, mentions: [String]) {
            // The same recipient reached twice on one channel for one alert is one page.
            let key = "\(channel.rawValue)\u{0}\(recipient)"
            if let i = index[key] {
                if alert.status == .firing, var existing = result.notifications[i].mentions {
                    for m in mentions where !existing.contains(m) { existing.append(m) }
                    result.notifications[i].mentions = existing
                }
                return
            }
            let id = Fingerprint.hash("\(alert.id)\u{0}\(channel.rawValue)\u{0}\(recipient)")
            var n = AlertNotification(
                id: id, channel: channel.rawValue, recipients: [recipient], route: route.name,
                template: route.template, alert: alert)
            if channel.isChat, let robot = chat.robot(named: recipient) {
                resolveMentions(&n, route: route, robot: robot)
                if alert.status == .firing { for m in mentions where !n.mentions!.contains(m) { n.mentions!.append(m) } }
            }
            index[key] = result.notifications.count
            result.notifications.append(n)
        }

        for route in matched {
            if let policy = route.escalationPolicy, !result.escalationPolicies.contains(policy) {
                result.escalationPolicies.append(policy)
            }
            var people = route.people
            var targets = route.targets
            var gap = false
            for schedule in route.schedules {
                let who = roster.onCall(schedule, at: instant)
                result.onCall[schedule] = who
                if who.isEmpty {
                    gap = true
                    if !result.gaps.contains(schedule) { result.gaps.append(schedule) }
                }
                for p in who where !people.contains(p) { people.append(p) }
            }
            if gap, let fallback = route.fallback {
                targets += fallback.targets
                for p in fallback.people where !people.contains(p) { people.append(p) }
            }
            let persons = people.compactMap { roster.people[$0] }
            for target in targets {
                // The route's robots @mention the people this alert reaches.
                let mentions = target.channel.isChat ? persons.compactMap { $0.mention(on: target.channel.rawValue) } : []
                for recipient in target.recipients { add(target.channel, recipient, route: route, mentions: mentions) }
            }
            for person in persons {
                let rules = person.contactRules[route.urgency].flatMap { $0.isEmpty ? nil : $0 } ?? person.contactRules[.default] ?? []
                for step in rules {
                    guard step.delaySeconds == 0 else {
                        result.delayedSteps += 1
                        continue
                    }
                    guard let channel = Channel(rawValue: step.channel) else { continue }
                    if channel == .email, let email = person.email {
                        add(.email, email, route: route, mentions: [])
                    } else if channel.isChat, let robot = person.robot(on: step.channel) {
                        add(channel, robot, route: route, mentions: person.mention(on: step.channel).map { [$0] } ?? [])
                    }
                }
            }
        }
        return result
    }

    static func resolveMentions(_ n: inout AlertNotification, route: Route, robot: RobotConfig) {
        n.template = route.template ?? robot.template
        guard n.alert.status == .firing else {
            n.mentions = []
            n.atAll = false
            return
        }
        var mobiles: [String] = []
        for m in robot.mentionMobiles + route.mentionMobiles where !mobiles.contains(m) { mobiles.append(m) }
        n.mentions = mobiles
        n.atAll = !n.alert.severity.isEmpty && (robot.atAllSeverities + route.atAllSeverities).contains(n.alert.severity)
    }
}
