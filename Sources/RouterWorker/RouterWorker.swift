import AMQP
import AlertCore
import Foundation
import WorkerKit

/// `klaxon-router`: matches each alert against the routes and publishes one notification per
/// route, channel and recipient to `notify.<channel>`, acking the alert once all are confirmed.
public enum RouterWorker {
    public static func definition(config: KlaxonConfig, publisher: any MessagePublishing, logger: Logger, metrics: Metrics) -> WorkerDefinition {
        let topology = Topology(namespace: config.broker.namespace)
        let routed = metrics.counter("klaxon_router_notifications_total", "Notifications emitted, by route and channel.")
        let unrouted = metrics.counter("klaxon_router_alerts_without_recipients_total", "Alerts whose route has no recipients.")

        let handler = perMessage { d in
            let alert: Alert
            do { alert = try Codec.decode(Alert.self, from: d.body) } catch {
                return .failure(.permanent(.unparseable, "not a normalized alert: \(error)"))
            }
            let notifications = AlertRouter.notifications(for: alert, config: config.router, chat: config.chat)
            if notifications.isEmpty {
                unrouted.inc()
                logger.warning("no recipients for alert", ["fingerprint": alert.fingerprint, "title": alert.title])
                return .success(())
            }
            let messages = notifications.map { n in
                OutboundMessage(exchange: topology.exchange, routingKey: topology.notifyQueue(Channel(rawValue: n.channel)!),
                                body: Codec.encode(n), messageID: n.id)
            }
            do { try await publisher.publish(messages) } catch {
                return .failure(.transient(.network, "publish notifications: \(error)"))
            }
            for n in notifications { routed.inc(["route": n.route, "channel": n.channel]) }
            return .success(())
        }
        return WorkerDefinition(name: "klaxon-router", queue: topology.routeQueue, batchSize: 64, concurrency: 2, handler: handler)
    }
}
