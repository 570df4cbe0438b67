/// Decides who hears about an alert. Pure: config in, notifications out.
public enum AlertRouter {
    /// One notification per route, channel and recipient. Ids are derived from the alert id, so
    /// a redelivered alert yields the same ids and channel workers skip what they already sent.
    public static func notifications(for alert: Alert, config: RouterConfig) -> [AlertNotification] {
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
                    out.append(AlertNotification(id: id, channel: target.channel.rawValue, recipients: [recipient], route: route.name,
                                            template: route.template, alert: alert))
                }
            }
        }
        return out
    }
}
