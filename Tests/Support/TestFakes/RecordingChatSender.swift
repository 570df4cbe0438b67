import AlertCore
import Notify
import Synchronization

/// A chat sender that posts nowhere: it records which notifications each message held (in
/// send order) and answers what `outcome` says. Its gate, when closed, holds every send
/// until `openGate()`, so a test can pile notifications up behind a send in flight without
/// timing anything.
public final class RecordingChatSender: ChatSending {
    private struct State {
        var sent: [[String]] = []
        var started = 0
        var gateOpen = true
        var held: [CheckedContinuation<Void, Never>] = []
        var startWaiters: [(count: Int, c: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let outcome: @Sendable ([String]) -> DeliveryError?
    /// The platform the fake claims to be (its real limits and composer rules apply).
    public let platform: any RobotPlatform

    /// `outcome` gets the notification ids of a message and returns the error the robot
    /// answers, or `nil` for accepted.
    public init(platform: any RobotPlatform, outcome: @escaping @Sendable ([String]) -> DeliveryError? = { _ in nil }) {
        self.platform = platform
        self.outcome = outcome
    }

    /// One request per message, whose body is the message's notification ids, one a line.
    public func requests(for message: ChatMessage, robot: RobotConfig) -> [RobotRequest] {
        [RobotRequest(url: "fake://\(robot.name)", body: Array(message.notificationIDs.joined(separator: "\n").utf8))]
    }

    /// Records the ids and answers `outcome`, after the gate opens.
    public func send(_ requests: [RobotRequest], robot: RobotConfig) async throws(DeliveryError) -> [DeliveryError] {
        let ids = requests.flatMap { String(decoding: $0.body, as: UTF8.self).split(separator: "\n").map(String.init) }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let (ready, open) = state.withLock { s -> ([CheckedContinuation<Void, Never>], Bool) in
                s.started += 1
                let ready = s.startWaiters.filter { $0.count <= s.started }.map(\.c)
                s.startWaiters.removeAll { $0.count <= s.started }
                if !s.gateOpen { s.held.append(c) }
                return (ready, s.gateOpen)
            }
            for r in ready { r.resume() }
            if open { c.resume() }
        }
        state.withLock { $0.sent.append(ids) }
        if let e = outcome(ids) { throw e }
        return []
    }

    /// The notification ids of each message sent, in order.
    public var sent: [[String]] { state.withLock { $0.sent } }

    /// Holds every send from now on until `openGate()`.
    public func closeGate() { state.withLock { $0.gateOpen = false } }

    /// Lets held and later sends go.
    public func openGate() {
        let held = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.gateOpen = true
            defer { s.held = [] }
            return s.held
        }
        for c in held { c.resume() }
    }

    /// Returns once `count` sends have started (reached the gate).
    public func waitUntilStarted(_ count: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.started >= count { return true }
                s.startWaiters.append((count, c))
                return false
            }
            if now { c.resume() }
        }
    }
}
