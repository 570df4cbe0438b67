/// Decides who hears about an alert. Pure: config in, notifications out.
public enum AlertRouter {
    /// One notification per route, channel and recipient. Ids are derived from the alert id, so
    /// a redelivered alert yields the same ids and channel workers skip what they already sent.
    /// Each carries what its channel needs: the template (the route's, else the robot's) and,
    /// for a robot, whom to @-mention (the robot's and the route's mobiles, and everyone for the
    /// at-all severities), for firing alerts only: a resolved alert wakes nobody up.
    public static func notifications(for alert: Alert, config: RouterConfig, chat: ChatConfig = ChatConfig()) -> [AlertNotification] {
        var matched: [Route] = []
        for route in config.routes where route.matches(alert) {
            matched.append(route)
            if !route.continueMatching { break }
        }
        if matched.isEmpty { matched = [config.defaultRoute] }

        var out: [AlertNotification] = []
        var seen: Set<String> = []
        for route in matched {
            for target in route.targets {
                for recipient in target.recipients {
                    // The same person reached twice on one channel for one alert is one page.
                    guard seen.insert("\(target.channel.rawValue)\u{0}\(recipient)").inserted else { continue }
                    let id = Fingerprint.hash("\(alert.id)\u{0}\(target.channel.rawValue)\u{0}\(recipient)")
                    var n = AlertNotification(id: id, channel: target.channel.rawValue, recipients: [recipient], route: route.name,
                                              template: route.template, alert: alert)
                    if target.channel.isChat, let robot = chat.robot(named: recipient) {
                        resolveMentions(&n, route: route, robot: robot)
                    }
                    out.append(n)
                }
            }
        }
        return out
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
