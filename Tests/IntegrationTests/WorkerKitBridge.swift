import AMQP
import AlertCore
import WorkerKit

enum WorkerKitBridge {
    static func delete(_ config: KlaxonConfig, _ conn: AMQPConnection) throws {
        try BrokerTopology(config: config).delete(on: conn)
    }
}
