import AMQP
import AlertCore
import Foundation
import Testing
import TestSupport

/// `klaxon-chat`, the real binary, asked to stop (SIGTERM, as `kubectl rollout restart` does)
/// while notifications wait for a robot whose budget is spent for the next hour: it exits
/// cleanly instead of holding them until the budget allows (it took 49–53 s under load, past
/// Kubernetes' 30 s grace, and was SIGKILLed), and hands them back to the queue: none sent,
/// none dead-lettered.
@Suite struct ChatStopTests {
    @Test func stoppingHandsBackWhatWaitsForTheBudget() async throws {
        let sink = try await ChatSink.start()
        defer { sink.stop() }
        let env = ["DT_URL": sink.dingTalkURL, "DT_SECRET": ChatSink.dingTalkSecret]
        let ns = try await TestNamespace(
            extraYAML: """
                chat:
                  robots:
                    - name: ops
                      platform: dingtalk
                      webhook_env: DT_URL
                      secret_env: DT_SECRET
                      budget: [1/1h]
                """, environment: env)
        defer { ns.close() }
        let queue = ns.topology.notifyQueue(.dingtalk)
        let port = freePort()
        let chat = try ChildProcess(
            try TestEnvironment.binary("klaxon-chat"),
            ["--config", ns.configPath, "--health-listen", "127.0.0.1:\(port)", "--channel", "dingtalk"], environment: env)
        try await waitReady(port, chat)

        for i in 1...5 {
            let alert = Fx.alert("Stop test #\(i)#", id: "a-\(ns.namespace)-\(i)")
            let n = AlertNotification(id: "\(ns.namespace)-n\(i)", channel: "dingtalk", recipients: ["ops"], route: "default", alert: alert)
            try ns.publish(Codec.encode(n), to: queue, id: n.id)
        }
        // One message spends the hour's budget; the other four are taken by the worker and wait.
        try await waitFor("the first message reached the robot") { (try? await sink.requests().count) == 1 }
        try await waitFor("the worker holds the other four") { (try? ns.depth(queue)) == 0 }

        chat.signal(SIGTERM)
        let code = await chat.wait(seconds: 60)  // killed (and failed) if still running then
        #expect(code == 0, "klaxon-chat should exit by itself; its log:\n\(chat.log)")
        // Handed back through the shortest delay queue, they are ready in the work queue again.
        try await waitFor("the four are back in \(queue)") { (try? ns.depth(queue)) == 4 }
        #expect(try ns.depth(ns.topology.deadLetterQueue(of: queue)) == 0)
        #expect(try await sink.requests().count == 1, "nothing sent after the stop")
    }

    func waitReady(_ port: Int, _ p: ChildProcess) async throws {
        try await waitFor("\(p.name) ready on :\(port)", seconds: 30) {
            if !p.isRunning { throw TestFailure("\(p.name) exited; its log:\n\(p.log)") }
            return (try? await http("GET", "http://127.0.0.1:\(port)/readyz"))?.status == 200
        }
    }
}
