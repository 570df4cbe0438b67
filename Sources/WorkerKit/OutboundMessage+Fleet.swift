import AMQP
import AlertCore
import Escalation

extension OutboundMessage {
    /// A notification on its channel's queue (`notify.<channel>`), its id as the message id.
    public init(_ n: AlertNotification, topology: Topology) {
        // Producers only make notifications for channels the fleet has.
        self.init(
            exchange: topology.exchange, routingKey: topology.notifyQueue(Channel(rawValue: n.channel)!), body: Codec.encode(n), messageID: n.id)
    }

    /// A message for `klaxon-escalator`: a command on the command queue, an alert on the
    /// escalation queue, or on `queue` (an incident's watch goes to the watch delay queue).
    public init(_ m: EscalatorMessage, topology: Topology, queue: String? = nil) {
        let into = queue ?? (m.type == .command ? topology.commandQueue : topology.escalationQueue)
        self.init(exchange: topology.exchange, routingKey: into, body: Codec.encode(m), messageID: m.messageID)
    }
}
