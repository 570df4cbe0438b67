import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import OnCall
import Redis
import Synchronization
import WorkerKit

/// `klaxon-escalator`: consumes the escalation queue (alerts routed to a policy, incidents'
/// watches) and, on a connection of its own, the command queue (people's commands, which never
/// wait behind an alert storm), and beside them a timer loop that fires due steps,
/// reminders, expiries, snooze ends and delayed contact steps. Any number of replicas share the
/// work: incidents and timers live in Redis (compare-and-set saves, leased timers), the watch
/// and every message in the broker. See docs/escalation.md.
public enum EscalatorWorker {
    /// The pieces of one escalator process: the queue worker and its timer loop, around one engine.
    public struct Parts: Sendable {
        public var definition: WorkerDefinition
        public var services: [any Service]
    }

    /// - Parameters:
    ///   - roster: who is on call now (`RosterCache.roster` in the process).
    ///   - now: the clock (tests inject one).
    ///   - tick: how often the timer loop claims due timers.
    public static func parts(
        config: KlaxonConfig, publisher: any MessagePublishing, redis: any RedisCommanding, logger: Logger, metrics: Metrics,
        roster: (@Sendable () -> Roster)? = nil, now: @escaping @Sendable () -> Date = { Date() },
        tick: Duration = .milliseconds(100), owner: String = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(AlertID.make().prefix(8))"
    ) -> Parts {
        let ns = config.broker.namespace
        let fixed = Roster.build(people: config.people, schedules: config.schedules)
        let engine = EscalatorEngine(
            config: config, store: IncidentStore(redis: redis, namespace: ns), timers: TimerStore(redis: redis, namespace: ns), publisher: publisher,
            roster: roster ?? { fixed }, now: now, logger: logger, metrics: metrics, owner: owner)
        let handler = perMessage { d in
            let message: EscalatorMessage
            do { message = try Codec.decode(EscalatorMessage.self, from: d.body).validated() } catch {
                return .failure(.permanent(.unparseable, "not an escalator message: \(error)"))
            }
            return await engine.handle(message)
        }
        let timers = TimerLoop(engine: engine, tick: tick)
        let policies = config.escalationPolicies.map(\.name)
        let gauge = PeriodicService(name: "open-incidents", every: .seconds(10)) {
            guard let counts = try? await engine.store.openCounts(policies: policies) else { return }
            for (p, n) in counts { engine.metrics.open.set(Double(n), ["policy": p]) }
        }
        // Redis closes after the timer loop stopped (not when the consumer does: a tick may still
        // be firing timers), so the closer is listed first and stopped after them.
        let closeAfter = ClosingService(name: "redis") { redis.close() }
        let topology = Topology(namespace: ns)
        let definition = WorkerDefinition(
            name: "klaxon-escalator", queue: topology.escalationQueue, alsoConsumes: [topology.commandQueue], batchSize: 32, concurrency: 2,
            handler: handler)
        return Parts(definition: definition, services: [closeAfter, timers, gauge])
    }
}

/// The timer loop: fires what is due (`EscalatorEngine.fireDue`, which keeps claiming while
/// anything is due or in flight), then looks again every `tick`. On shutdown it claims nothing
/// more and returns once the fires in flight finished.
final class TimerLoop: Service {
    let name = "escalation-timers"
    let engine: EscalatorEngine
    let tick: Duration
    private let stopped = Atomic<Bool>(false)

    init(engine: EscalatorEngine, tick: Duration) {
        self.engine = engine
        self.tick = tick
    }

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    func run() async throws {
        while !isStopped {
            await engine.fireDue(tick: tick) { [self] in isStopped }
            if !isStopped { try? await Task.sleep(for: tick) }
        }
    }

    func shutdown() { stopped.store(true, ordering: .releasing) }
}
