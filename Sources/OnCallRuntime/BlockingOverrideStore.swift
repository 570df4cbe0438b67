import AlertCore
import Foundation
import Redis

/// `OverrideStore` for blocking callers (`klaxonctl`, which runs on a thread of its own, never on
/// Swift's cooperative pool): the same keys and commands, sent on the calling thread through a
/// `RedisClient` it owns. Not for async code: each call blocks until Redis answers or the
/// client's timeout passes.
public final class BlockingOverrideStore {
    let client: RedisClient
    let namespace: String

    /// A store on its own connection to the Redis of `config`, opened at the first call.
    public init(config: RedisConfig, namespace: String) {
        client = RedisClient(
            .init(
                host: config.host, port: config.port, database: config.database,
                password: config.password, timeoutMillis: config.timeoutMillis))
        self.namespace = namespace
    }

    /// Stores an override; throws `RedisError` when Redis cannot be reached (nothing stored).
    public func add(_ o: StoredOverride) throws(RedisError) {
        _ = try client.pipeline(OverrideCommands.add(o, namespace: namespace))
    }

    /// Removes an override by id; returns whether it existed. Throws `RedisError` when
    /// unreachable.
    public func remove(id: String) throws(RedisError) -> Bool {
        OverrideCommands.removed(try client.pipeline(OverrideCommands.remove(id: id, namespace: namespace)))
    }

    /// Every stored override, sorted by start; throws `RedisError` when unreachable.
    public func all() throws(RedisError) -> [StoredOverride] {
        OverrideCommands.overrides(try client.command(OverrideCommands.all(namespace: namespace)))
    }

    /// The stored copy of a URL calendar layer (`CalendarCopies`), read on the calling thread;
    /// nil when it was never fetched. Throws `RedisError` when unreachable.
    public func calendarCopy(_ layer: String) throws(RedisError) -> CalendarCopies.Copy? {
        CalendarCopies.copy(from: try client.command(["HGETALL", RedisKeys.calendar(namespace, layer)]))
    }
}
