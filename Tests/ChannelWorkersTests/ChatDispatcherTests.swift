import AlertCore
import ChannelWorkers
import Notify
import Synchronization
import Testing
import TestFakes
import WorkerKit

/// `ChatDispatcher` with a recording sender and the Redis budget over the in-memory Redis:
/// what piles up behind a send in flight goes out as one digest, oldest first; a robot's
/// answer reaches every notification the message held.
@Suite struct ChatDispatcherTests {
    static func config(budget: String) -> String {
        """
        chat:
          robots:
            - name: ops
              platform: dingtalk
              webhook_env: HOOK
              budget: [\(budget)]
        """
    }

    struct Setup {
        let dispatcher: ChatDispatcher
        let sender: RecordingChatSender
        let robot: RobotConfig
        let budget: RedisBudget
        let limits: [RateLimit]
    }

    static func setup(budget: String = "100/1m", outcome: @escaping @Sendable ([String]) -> DeliveryError? = { _ in nil }) throws -> Setup {
        let config = try FakeFixtures.config(extra: Self.config(budget: budget), environment: ["HOOK": "https://robot.invalid/hook"])
        let robot = try #require(config.chat.robot(named: "ops"))
        let sender = RecordingChatSender(platform: RobotPlatforms.platform(.dingtalk), outcome: outcome)
        let budget = RedisBudget(redis: InMemoryRedis(), logger: FakeWorkerRun.quietLogger)
        let limits = config.chat.budget(of: robot)
        let dispatcher = ChatDispatcher(
            composer: ChatComposer(platform: sender.platform, templates: MessageTemplates(config: config)),
            sender: sender, budget: budget, budgetKey: { "budget:\($0.name)" }, limits: { _ in limits },
            logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        return Setup(dispatcher: dispatcher, sender: sender, robot: robot, budget: budget, limits: limits)
    }

    static func notification(_ id: String) -> AlertNotification {
        AlertNotification(id: id, channel: "dingtalk", recipients: ["ops"], route: "default", alert: FakeFixtures.alert("a-\(id)"))
    }

    /// Submits n1 and holds its send at the gate, then queues `more` one by one (each
    /// submitted only once the previous one waits, so their order is known), then opens the
    /// gate. Returns every result by id.
    static func burst(_ s: Setup, more: [String]) async -> [String: Result<Void, DeliveryError>] {
        s.sender.closeGate()
        return await withTaskGroup(of: (String, Result<Void, DeliveryError>).self) { group in
            group.addTask { ("n1", await s.dispatcher.submit(notification("n1"), robot: s.robot)) }
            await s.sender.waitUntilStarted(1)
            for (i, id) in more.enumerated() {
                group.addTask { (id, await s.dispatcher.submit(notification(id), robot: s.robot)) }
                while s.dispatcher.waiting(robot: "ops") < i + 2 { await Task.yield() }
            }
            s.sender.openGate()
            var out: [String: Result<Void, DeliveryError>] = [:]
            for await (id, r) in group { out[id] = r }
            return out
        }
    }

    @Test func aLoneNotificationGoesOutAlone() async throws {
        let s = try Self.setup()
        let r = await s.dispatcher.submit(Self.notification("n1"), robot: s.robot)
        #expect(throws: Never.self) { try r.get() }
        #expect(s.sender.sent == [["n1"]])
    }

    @Test func whatWaitsBehindASendGoesOutAsOneDigestOldestFirst() async throws {
        let s = try Self.setup()
        let results = await Self.burst(s, more: ["n2", "n3", "n4"])
        #expect(s.sender.sent == [["n1"], ["n2", "n3", "n4"]])
        #expect(results.count == 4 && results.values.allSatisfy { (try? $0.get()) != nil })
        #expect(s.dispatcher.waiting(robot: "ops") == 0, "the lane is idle afterwards")
    }

    struct FailureCase: CustomTestStringConvertible, Sendable {
        var name: String
        var error: DeliveryError
        var testDescription: String { name }
    }

    @Test(arguments: [
        FailureCase(name: "permanent answer", error: .permanent(.vendorCode, "keyword missing")),
        FailureCase(name: "transient answer", error: .transient(.serverError, "HTTP 502")),
    ])
    func aFailedDigestFailsEveryNotificationItHeld(_ c: FailureCase) async throws {
        let s = try Self.setup { ids in ids.contains("n2") ? c.error : nil }
        let results = await Self.burst(s, more: ["n2", "n3"])
        #expect(s.sender.sent == [["n1"], ["n2", "n3"]])
        #expect((try? results["n1"]?.get()) != nil, "n1's own message was accepted")
        for id in ["n2", "n3"] {
            guard case .failure(let e)? = results[id] else {
                Issue.record("\(id) should have failed")
                continue
            }
            #expect(e == c.error)
        }
    }

    @Test func rateLimitedAnswerSpendsTheSharedBudget() async throws {
        let s = try Self.setup { _ in .transient(.rateLimited, "130101 send too fast") }
        let r = await s.dispatcher.submit(Self.notification("n1"), robot: s.robot)
        #expect(throws: DeliveryError.self) { try r.get() }
        guard case .wait = await s.budget.acquire("budget:ops", cost: 1, limits: s.limits) else {
            Issue.record("after a rate-limit answer the robot's window must be spent")
            return
        }
    }

    /// Stopping gives back at once what waits for a spent budget (a minute here), leader and
    /// waiters alike, without sending it; later submits are given back without a send.
    @Test func stoppingGivesBackWhatWaitsForTheBudget() async throws {
        let s = try Self.setup(budget: "1/1m")
        #expect((try? await s.dispatcher.submit(Self.notification("n1"), robot: s.robot).get()) != nil)
        let results = await withTaskGroup(of: (String, Result<Void, DeliveryError>).self) { group in
            for (i, id) in ["n2", "n3"].enumerated() {
                group.addTask { (id, await s.dispatcher.submit(Self.notification(id), robot: s.robot)) }
                while s.dispatcher.waiting(robot: "ops") < i + 1 { await Task.yield() }
            }
            s.dispatcher.stop()
            var out: [String: Result<Void, DeliveryError>] = [:]
            for await (id, r) in group { out[id] = r }
            return out
        }
        for id in ["n2", "n3"] {
            guard case .failure(let e)? = results[id] else {
                Issue.record("\(id) should have been given back, got \(String(describing: results[id]))")
                continue
            }
            #expect(e == ChatDispatcher.givenBack)
            #expect(RetryPolicy(delaysMillis: [1000, 5000]).decide(.failure(e), attempt: 3) == .wait(delayMillis: 1000), "no attempt counted")
        }
        let late = await s.dispatcher.submit(Self.notification("n4"), robot: s.robot)
        #expect(throws: DeliveryError.self) { try late.get() }
        #expect(s.sender.sent == [["n1"]], "nothing sent after the stop")
        #expect(s.dispatcher.waiting(robot: "ops") == 0)
    }

    /// A message already being sent finishes and its notification gets the robot's answer;
    /// what waits behind it is given back.
    @Test func stoppingLetsTheMessageBeingSentFinish() async throws {
        let s = try Self.setup()
        s.sender.closeGate()
        let results = await withTaskGroup(of: (String, Result<Void, DeliveryError>).self) { group in
            group.addTask { ("n1", await s.dispatcher.submit(Self.notification("n1"), robot: s.robot)) }
            await s.sender.waitUntilStarted(1)
            group.addTask { ("n2", await s.dispatcher.submit(Self.notification("n2"), robot: s.robot)) }
            while s.dispatcher.waiting(robot: "ops") < 2 { await Task.yield() }
            s.dispatcher.stop()
            var out: [String: Result<Void, DeliveryError>] = [:]
            if let first = await group.next() { out[first.0] = first.1 }
            #expect(out["n2"] != nil, "n2 is given back while n1's send is still held")
            s.sender.openGate()
            for await (id, r) in group { out[id] = r }
            return out
        }
        #expect((try? results["n1"]?.get()) != nil, "n1's message was accepted")
        if case .failure(let e)? = results["n2"] { #expect(e == ChatDispatcher.givenBack) } else { Issue.record("n2 should have been given back") }
        #expect(s.sender.sent == [["n1"]])
    }
}
