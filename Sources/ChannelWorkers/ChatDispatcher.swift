import AlertCore
import Foundation
import Notify
import Synchronization
import WorkerKit

/// Sends the notifications waiting for each robot, one message at a time, within the robot's
/// budget; what piles up while the budget is spent goes out merged as one digest.
///
/// Every notification is submitted by the task handling its delivery, which then waits for
/// its result (so the delivery is acked only after the message holding it was accepted).
/// Per robot, one waiting task at a time leads: it composes the next message from everything
/// waiting (oldest first), waits for the budget, sends, records and resolves the notifications
/// the message held, and goes on until its own notification is resolved; then it hands the
/// lead to the oldest waiting task. No task of its own, nothing runs after the last result.
///
/// `stop()` (the worker was asked to stop) gives back at once every notification not inside a
/// message being sent, as `givenBack`: its delivery goes to the delay queue without counting an
/// attempt, for another replica or the restarted one. Without it a robot whose budget was spent
/// held its waiting deliveries until the budget allowed them through, longer than Kubernetes'
/// grace period: klaxon-chat took 49–53 s to stop under load and was SIGKILLed.
public final class ChatDispatcher: Sendable {
    enum Turn { case done(Result<Void, DeliveryError>), lead }

    struct Entry {
        let id: UInt64
        let notification: AlertNotification
        var waiter: CheckedContinuation<Turn, Never>?
    }

    /// Taken out of `lanes` to be changed and put back (`removeValue`), never copied out: a copy
    /// shares `entries` with the dictionary, so each append copied every waiting entry (a
    /// burst's submits cost O(n²); 7 % of klaxon-chat's CPU with 200 waiting).
    struct Lane {
        var entries: [Entry] = []
        var hasLeader = false
        var leaderResults: [UInt64: Result<Void, DeliveryError>] = [:]
        /// The notifications inside the message being sent (never given back by `stop()`).
        var sending: Set<UInt64> = []
    }

    struct State {
        var lanes: [String: Lane] = [:]
        var nextID: UInt64 = 0
    }

    /// What a notification gets when the worker stops before its message is sent: waiting its
    /// turn is not a failure, so no attempt is counted (`Disposition.wait`).
    public static let givenBack = DeliveryError.transient(.inProgress, "klaxon-chat is stopping; handed back to the queue unsent")

    private let state = Mutex(State())
    /// Set by `stop()` before it takes the lock; read under the lock with the lanes.
    private let stopping = StopRequest()
    private let composer: ChatComposer
    private let sender: any ChatSending
    private let budget: any RobotBudget
    private let budgetKey: @Sendable (RobotConfig) -> String
    private let limits: @Sendable (RobotConfig) -> [RateLimit]
    private let logger: Logger
    private let digests: Counter
    private let waits: Counter
    private let requestsSent: Counter

    public init(
        composer: ChatComposer, sender: any ChatSending, budget: any RobotBudget, budgetKey: @escaping @Sendable (RobotConfig) -> String,
        limits: @escaping @Sendable (RobotConfig) -> [RateLimit], logger: Logger, metrics: Metrics
    ) {
        self.composer = composer
        self.sender = sender
        self.budget = budget
        self.budgetKey = budgetKey
        self.limits = limits
        self.logger = logger
        digests = metrics.counter("klaxon_chat_digests_total", "Chat messages that merged several notifications, by channel and robot.")
        waits = metrics.counter("klaxon_chat_budget_waits_total", "Times a robot's budget was spent and sending waited, by channel and robot.")
        requestsSent = metrics.counter("klaxon_chat_requests_total", "Robot requests sent, by channel, robot and outcome.")
    }

    /// Delivers `n` through `robot`, alone or inside a digest, and returns the outcome of the
    /// message that held it. Never throws: failures are `DeliveryError` results.
    public func submit(_ n: AlertNotification, robot: RobotConfig) async -> Result<Void, DeliveryError> {
        let id = state.withLock { s -> UInt64? in
            if stopping.isRequested { return nil }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return .failure(Self.givenBack) }
        let turn: Turn = await withCheckedContinuation { c in
            let lead = state.withLock { s -> Bool in
                if stopping.isRequested {
                    c.resume(returning: .done(.failure(Self.givenBack)))
                    return false
                }
                var lane = s.lanes.removeValue(forKey: robot.name) ?? Lane()  // unique, so appending copies nothing
                defer { s.lanes[robot.name] = lane }
                if lane.hasLeader {
                    lane.entries.append(Entry(id: id, notification: n, waiter: c))
                    return false
                }
                lane.hasLeader = true
                lane.entries.append(Entry(id: id, notification: n, waiter: nil))
                return true
            }
            if lead { c.resume(returning: .lead) }
        }
        switch turn {
        case .done(let r): return r
        case .lead: return await lead(robot: robot, own: id)
        }
    }

    /// Notifications submitted for `robot` and not yet resolved (the one being sent included).
    public func waiting(robot: String) -> Int { state.withLock { $0.lanes[robot]?.entries.count ?? 0 } }

    /// Gives back every notification not inside a message being sent (see the type's comment);
    /// later submits are given back at once. A leader waiting for the budget wakes within 100 ms
    /// and gives back its own.
    public func stop() {
        stopping.request()
        let waiters = state.withLock { s -> [CheckedContinuation<Turn, Never>] in
            var out: [CheckedContinuation<Turn, Never>] = []
            for name in Array(s.lanes.keys) {
                guard var lane = s.lanes.removeValue(forKey: name) else { continue }
                lane.entries.removeAll { e in
                    guard let w = e.waiter, !lane.sending.contains(e.id) else { return false }
                    out.append(w)
                    return true
                }
                s.lanes[name] = lane
            }
            return out
        }
        for w in waiters { w.resume(returning: .done(.failure(Self.givenBack))) }
    }

    private func lead(robot: RobotConfig, own: UInt64) async -> Result<Void, DeliveryError> {
        while true {
            let (mine, pending) = state.withLock { s -> (Result<Void, DeliveryError>?, [Entry]) in
                guard var lane = s.lanes.removeValue(forKey: robot.name) else { return (nil, []) }
                defer { s.lanes[robot.name] = lane }
                if let r = lane.leaderResults.removeValue(forKey: own) { return (r, []) }
                if stopping.isRequested {
                    lane.entries.removeAll { $0.id == own }
                    return (.failure(Self.givenBack), [])
                }
                return (nil, lane.entries)
            }
            if let mine {
                handOff(robot)
                return mine
            }
            await round(pending, robot: robot)
        }
    }

    /// One message: compose from what waits, wait for the budget or send and resolve.
    private func round(_ pending: [Entry], robot: RobotConfig) async {
        let (message, used) = composer.compose(pending.map(\.notification), robot: robot)
        let limits = self.limits(robot)
        let cost = min(sender.requests(for: message, robot: robot).count, limits.map(\.messages).min() ?? 1)
        let labels = ["channel": robot.platform.rawValue, "robot": robot.name]
        let grant: BudgetGrant
        switch await budget.acquire(budgetKey(robot), cost: cost, limits: limits) {
        case .wait(let millis):
            waits.inc(labels)
            logger.debug("robot budget spent; waiting", ["robot": robot.name, "wait_ms": String(millis), "waiting": String(pending.count)])
            await stopping.pause(millis: millis)
            return  // compose again: more may be waiting now, for one digest
        case .granted(let g):
            grant = g
        }
        let held = Array(pending.prefix(used))
        let sending = state.withLock { s -> Bool in
            // Stopped while waiting for the budget: what `stop()` gave back is gone from the lane.
            guard !stopping.isRequested, var lane = s.lanes.removeValue(forKey: robot.name) else { return false }
            defer { s.lanes[robot.name] = lane }
            lane.sending = Set(held.map(\.id))
            return true
        }
        guard sending else {
            await budget.settle(budgetKey(robot), grant, limits: limits)  // the slot stays spent: never too many
            return
        }
        let result: Result<Void, DeliveryError>
        do {
            // Built (and signed) only now, after any wait for the budget.
            let followUps = try await sender.send(sender.requests(for: message, robot: robot), robot: robot)
            requestsSent.inc(labels.merging(["outcome": "ok"]) { a, _ in a }, by: Double(cost))
            for e in followUps { logger.warning("page delivered, but its mention message failed", ["robot": robot.name, "error": e.description]) }
            if used > 1 {
                digests.inc(labels)
                logger.info("digest delivered", ["robot": robot.name, "notifications": held.map(\.notification.id).joined(separator: ",")])
            }
            result = .success(())
        } catch {
            requestsSent.inc(labels.merging(["outcome": error.reason.rawValue]) { a, _ in a })
            if error.reason == .rateLimited { await budget.exhaust(budgetKey(robot), limits: limits) }
            result = .failure(error)
        }
        await budget.settle(budgetKey(robot), grant, limits: limits)
        resolve(held.map(\.id), robot: robot, result)
    }

    private func resolve(_ ids: [UInt64], robot: RobotConfig, _ result: Result<Void, DeliveryError>) {
        let wanted = Set(ids)
        let waiters = state.withLock { s -> [CheckedContinuation<Turn, Never>] in
            guard var lane = s.lanes.removeValue(forKey: robot.name) else { return [] }
            var out: [CheckedContinuation<Turn, Never>] = []
            for e in lane.entries where wanted.contains(e.id) {
                if let w = e.waiter { out.append(w) } else { lane.leaderResults[e.id] = result }
            }
            lane.entries.removeAll { wanted.contains($0.id) }
            lane.sending.subtract(wanted)
            s.lanes[robot.name] = lane
            return out
        }
        for w in waiters { w.resume(returning: .done(result)) }
    }

    /// The leader is done: the oldest waiting task leads next, or the lane goes idle.
    private func handOff(_ robot: RobotConfig) {
        let next = state.withLock { s -> CheckedContinuation<Turn, Never>? in
            guard var lane = s.lanes.removeValue(forKey: robot.name) else { return nil }
            defer { s.lanes[robot.name] = lane.entries.isEmpty && lane.leaderResults.isEmpty ? nil : lane }
            guard !lane.entries.isEmpty, let w = lane.entries[0].waiter else {
                lane.hasLeader = false
                return nil
            }
            lane.entries[0].waiter = nil
            return w
        }
        next?.resume(returning: .lead)
    }
}
