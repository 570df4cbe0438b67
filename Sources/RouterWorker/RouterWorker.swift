import AMQP
import AlertCore
import Escalation
import Foundation
import WorkerKit

/// `klaxon-router`: matches each alert against the routes, resolves the schedules they name to
/// the people on call at that instant (`AlertRouter.route` over the current `Roster`), and
/// publishes one notification per channel and recipient to `notify.<channel>`, acking the alert
/// once all are confirmed. An alert whose route names an escalation policy is also handed to
/// `klaxon-escalator` (one `EscalatorMessage` per policy on the escalation queue). A schedule with nobody on call is logged and counted, and the
/// route's fallback is notified.
public enum RouterWorker {
    /// - Parameters:
    ///   - roster: the roster to resolve against now (`RosterCache.roster` in the process); the
    ///     default is the config's people and schedules without iCal layers or run-time overrides.
    ///   - now: the clock (tests inject one).
    public static func definition(
        config: KlaxonConfig, publisher: any MessagePublishing, logger: Logger, metrics: Metrics,
        roster: (@Sendable () -> Roster)? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let routed = metrics.counter("klaxon_router_notifications_total", "Notifications emitted, by route and channel.")
        let unrouted = metrics.counter("klaxon_router_alerts_without_recipients_total", "Alerts whose route has no recipients.")
        let gaps = metrics.counter(
            "klaxon_router_oncall_gaps_total", "Alerts routed while a schedule had nobody on call (the fallback was notified), by schedule.")
        for s in config.schedules { gaps.inc(["schedule": s.name], by: 0) }
        let fixed = Roster.build(people: config.people, schedules: config.schedules)
        let current = roster ?? { fixed }
        let gapLog = RateLimitedLog()
        let escalated = metrics.counter("klaxon_router_escalations_total", "Alerts handed to klaxon-escalator, by escalation policy.")
        for p in config.escalationPolicies { escalated.inc(["policy": p.name], by: 0) }

        let handler = perMessage { d in
            let alert: Alert
            do { alert = try Codec.decode(Alert.self, from: d.body) } catch {
                return .failure(.permanent(.unparseable, "not a normalized alert: \(error)"))
            }
            let routing = AlertRouter.route(alert, config: config.router, chat: config.chat, roster: current(), at: now())
            for schedule in routing.gaps {
                gaps.inc(["schedule": schedule])
                if let n = gapLog.shouldLog(schedule) {
                    logger.warning(
                        "nobody on call; notifying the route's fallback",
                        [
                            "schedule": schedule, "fingerprint": alert.fingerprint,
                            "suppressed_repeats": String(n),
                        ])
                }
            }
            let notifications = routing.notifications
            if notifications.isEmpty && routing.escalationPolicies.isEmpty {
                unrouted.inc()
                logger.warning("no recipients for alert", ["fingerprint": alert.fingerprint, "title": alert.title])
                return .success(())
            }
            let messages =
                notifications.map { OutboundMessage($0, topology: topology) }
                + routing.escalationPolicies.map { OutboundMessage(.alert(alert, policy: $0), topology: topology) }
            do { try await publisher.publish(messages) } catch {
                return .failure(.transient(.network, "publish notifications: \(error)"))
            }
            for n in notifications { routed.inc(["route": n.route, "channel": n.channel]) }
            for policy in routing.escalationPolicies { escalated.inc(["policy": policy]) }
            return .success(())
        }
        return WorkerDefinition(name: "klaxon-router", queue: topology.routeQueue, batchSize: 64, concurrency: 2, handler: handler)
    }
}
