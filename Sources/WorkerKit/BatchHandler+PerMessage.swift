import AMQP
import AlertCore

/// Handles one delivery; `DeliveryError` results are retried or dead-lettered by the loop.
public typealias MessageHandler = @Sendable (Delivery) async -> Result<Void, DeliveryError>

/// A batch handler that runs `handle` on every delivery of the batch concurrently and returns
/// the results in delivery order (workers whose messages are independent: router, channels).
public func perMessage(_ handle: @escaping MessageHandler) -> BatchHandler {
    { batch in
        // One message (a quiet router or escalator): no task group to build and tear down.
        if batch.count == 1 { return [await handle(batch[0])] }
        return await withTaskGroup(of: (Int, Result<Void, DeliveryError>).self) { group in
            for (i, d) in batch.enumerated() {
                group.addTask { (i, await handle(d)) }
            }
            var results = [Result<Void, DeliveryError>](repeating: .success(()), count: batch.count)
            for await (i, r) in group { results[i] = r }
            return results
        }
    }
}
