import AMQP
import AlertCore
import RouterWorker
import Testing
import TestFakes
import WorkerKit

/// `klaxon-router` over the in-memory broker: the routing table decides which notify queues
/// get a notification, for whom; a failed publish leaves the alert unacked.
@Suite struct RoutingPublishTests {
    static let topology = Topology(namespace: "t")
    static let routing = """
        router:
          routes:
            - name: database
              match:
                - label: team
                  equals: database
              notify:
                email: [dba@example.com, oncall@example.com]
                dingtalk: [ops-bot]
            - name: critical
              match:
                - label: severity
                  regex: critical|page
              continue: true
              notify:
                email: [oncall@example.com]
            - name: critical-chat
              match:
                - label: severity
                  regex: critical|page
              notify:
                wecom: [wecom-bot]
          default:
            notify:
              email: [ops@example.com]
        chat:
          robots:
            - name: ops-bot
              platform: dingtalk
              webhook_env: HOOK
            - name: wecom-bot
              platform: wecom
              webhook_env: HOOK
        """

    static func config() throws -> KlaxonConfig {
        try FakeFixtures.config(extra: routing, environment: ["HOOK": "https://robot.invalid/hook"])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var labels: [String: String]
        /// "channel recipient route" per notification expected, in any order.
        var expected: Set<String>
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "team route: each recipient of each channel", labels: ["team": "database", "severity": "critical"],
            expected: ["email dba@example.com database", "email oncall@example.com database", "dingtalk ops-bot database"]),
        Case(
            name: "continue: the next matching route adds its own", labels: ["severity": "page"],
            expected: ["email oncall@example.com critical", "wecom wecom-bot critical-chat"]),
        Case(name: "no route matches: the default", labels: ["severity": "warning"], expected: ["email ops@example.com default"]),
    ]

    @Test(arguments: cases) func publishesToTheRightQueues(_ c: Case) async throws {
        let config = try Self.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let definition = RouterWorker.definition(config: config, publisher: broker, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        let alert = FakeFixtures.alert("a1", labels: c.labels)
        try await broker.publish(FakeFixtures.message(Codec.encode(alert), to: Self.topology.routeQueue, id: alert.id))

        await FakeWorkerRun.drain(definition, config: config, broker: broker)

        var seen: Set<String> = []
        var count = 0
        for channel in Channel.allCases {
            for m in broker.messages(in: Self.topology.notifyQueue(channel)) {
                let n = try Codec.decode(AlertNotification.self, from: m.body)
                #expect(n.channel == channel.rawValue, "a notification sits in its own channel's queue")
                #expect(n.alert == alert && m.messageID == n.id)
                seen.insert("\(n.channel) \(n.recipients.joined(separator: ",")) \(n.route)")
                count += 1
            }
        }
        #expect(seen == c.expected)
        #expect(count == c.expected.count, "one notification per route, channel and recipient")
        #expect(broker.settlements.map(\.how) == [.ack])
    }

    @Test func redeliveredAlertYieldsTheSameNotificationIDs() async throws {
        let config = try Self.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let definition = RouterWorker.definition(config: config, publisher: broker, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        let body = Codec.encode(FakeFixtures.alert("a1", labels: ["team": "database"]))
        for _ in 0..<2 {
            try await broker.publish(FakeFixtures.message(body, to: Self.topology.routeQueue, id: "a1"))
            await FakeWorkerRun.drain(definition, config: config, broker: broker)
        }
        let ids = broker.messages(in: Self.topology.notifyQueue(.email)).compactMap(\.messageID)
        #expect(ids.count == 4 && Set(ids).count == 2, "the same two ids twice: channel workers skip what they sent")
    }

    @Test func publishFailureLeavesTheAlertUnacked() async throws {
        let config = try Self.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let outage = BrokerOutage()
        let definition = RouterWorker.definition(config: config, publisher: outage, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        try await broker.publish(FakeFixtures.message(Codec.encode(FakeFixtures.alert("a1")), to: Self.topology.routeQueue, id: "a1"))

        await FakeWorkerRun.drain(definition, config: config, broker: broker, publisher: outage)

        #expect(outage.publishAttempts >= 1)
        #expect(!broker.settlements.contains { $0.how == .ack }, "never acked")
        #expect(broker.messages(in: Self.topology.routeQueue).map(\.messageID) == ["a1"], "back in the route queue")
    }

    @Test func unroutableNotificationIsRetriedNotAcked() async throws {
        // The notify queue is missing: the mandatory publish is returned, the alert goes to retry.
        let config = try Self.config()
        let q = Self.topology.routeQueue
        let broker = InMemoryBroker(queues: [q, Self.topology.delayQueue(of: q, delayMillis: 10_000)])
        let definition = RouterWorker.definition(config: config, publisher: broker, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        try await broker.publish(FakeFixtures.message(Codec.encode(FakeFixtures.alert("a1")), to: q, id: "a1"))

        await FakeWorkerRun.drain(definition, config: config, broker: broker)

        let retry = broker.messages(in: Self.topology.delayQueue(of: q, delayMillis: 10_000))
        #expect(retry.map(\.messageID) == ["a1"])
        #expect(retry.first?.headers[Topology.Header.lastError]?.description.contains("no queue is bound") == true)
    }

    @Test func garbageIsDeadLettered() async throws {
        let config = try Self.config()
        let broker = InMemoryBroker(topology: Self.topology, retryDelaysMillis: config.delivery.retryDelaysMillis)
        let definition = RouterWorker.definition(config: config, publisher: broker, logger: FakeWorkerRun.quietLogger, metrics: Metrics())
        try await broker.publish(FakeFixtures.message(Array("{not json".utf8), to: Self.topology.routeQueue, id: "x"))
        await FakeWorkerRun.drain(definition, config: config, broker: broker)
        #expect(broker.messages(in: Self.topology.deadLetterQueue(of: Self.topology.routeQueue)).map(\.messageID) == ["x"])
    }
}
