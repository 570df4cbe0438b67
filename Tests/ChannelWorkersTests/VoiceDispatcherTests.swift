import AlertCore
import ChannelWorkers
import Foundation
import Notify
import Synchronization
import TestSupport
import Testing
import WorkerKit
import YAMLConfig

/// A provider that answers from a script and records the numbers it was asked to reach.
final class ScriptedProvider: VoiceProvider {
    let name: String
    private let answers: Mutex<[Result<String, DeliveryError>]>
    let calls = Mutex<[String]>([])

    init(_ name: String, _ answers: [Result<String, DeliveryError>]) {
        self.name = name
        self.answers = Mutex(answers)
    }

    func send(_ request: VoiceRequest) async throws(DeliveryError) -> String {
        calls.withLock { $0.append(request.to) }
        let next = answers.withLock { $0.isEmpty ? .success("id-\(name)") : $0.removeFirst() }
        return try next.get()
    }

    var count: Int { calls.withLock { $0.count } }
}

@Suite struct VoiceDispatcherTests {
    static func config(limits: String = "") throws -> KlaxonConfig {
        let yaml = TestEnvironment.configYAML(
            namespace: "voice-unit",
            extra: """
                voice:
                  providers:
                    - {name: a, kind: webhook, url: "http://127.0.0.1:9/a", secret_env: S\(limits)}
                    - {name: b, kind: webhook, url: "http://127.0.0.1:9/b", secret_env: S}
                  chains:
                    - {prefix: "+86", providers: [b, a]}
                    - {prefix: "", providers: [a, b]}
                """)
        return try ConfigLoader.parse(yaml, environment: ["TEST_TOKEN": TestEnvironment.token, "S": "secret"])
    }

    static func notification(_ to: String, id: String = "n1") -> AlertNotification {
        AlertNotification(id: id, channel: "voice", recipients: [to], route: "r", alert: Fx.alert("x"))
    }

    static func dispatcher(_ config: KlaxonConfig, _ a: ScriptedProvider, _ b: ScriptedProvider, budget: any RobotBudget = LocalBudget())
        -> VoiceDispatcher
    {
        VoiceDispatcher(
            channel: .voice, config: config, providers: ["a": a, "b": b], budget: budget, logger: Logger(process: "test"), metrics: Metrics())
    }

    @Test func failoverDecisions() {
        typealias F = VoiceFailover
        #expect(F.next(after: .sent(provider: "a", id: "1")) == .delivered)
        #expect(F.next(after: .overBudget(provider: "a")) == .nextProvider)
        #expect(F.next(after: .failed(provider: "a", .permanent(.authError, "x"))) == .nextProvider)
        #expect(F.next(after: .failed(provider: "a", .transient(.timeout, "x"))) == .nextProvider)
        #expect(F.next(after: .failed(provider: "a", .transient(.serverError, "x"))) == .retryLater(.transient(.serverError, "x")))
        let all = F.exhausted([.failed(provider: "a", .permanent(.authError, "bad token")), .overBudget(provider: "b")], number: "+1555")
        #expect(all == .permanent(.authError, "every provider failed for +1555: a: permanent authError: bad token; b: over the callee's call budget"))
        #expect(F.exhausted([.overBudget(provider: "a")], number: "+1").reason == .rateLimited)
    }

    @Test func chainsFollowTheLongestPrefix() throws {
        let c = try Self.config().voice
        #expect(c.chain(for: "+8613800138000").map(\.name) == ["b", "a"])
        #expect(c.chain(for: "+15005550001").map(\.name) == ["a", "b"])
    }

    @Test func aPermanentErrorMovesToTheNextProviderAndATransientOneRetries() async throws {
        let config = try Self.config()
        let a = ScriptedProvider("a", [.failure(.permanent(.vendorCode, "number refused")), .failure(.transient(.serverError, "503"))])
        let b = ScriptedProvider("b", [])
        let d = Self.dispatcher(config, a, b)
        #expect(try await d.deliver(Self.notification("+15005550001")).get() == ())
        #expect(a.count == 1 && b.count == 1)
        // A 5xx is not a reason to ring the callee through someone else yet: retried later.
        let second = await d.deliver(Self.notification("+15005550001", id: "n2"))
        #expect(throws: DeliveryError.transient(.serverError, "503")) { try second.get() }
        #expect(a.count == 2 && b.count == 1)
    }

    @Test func everyProviderFailingIsOnePermanentErrorWithEachReason() async throws {
        let a = ScriptedProvider("a", [.failure(.transient(.timeout, "no answer in 10s"))])
        let b = ScriptedProvider("b", [.failure(.permanent(.authError, "401"))])
        let result = await Self.dispatcher(try Self.config(), a, b).deliver(Self.notification("+15005550001"))
        #expect(
            throws: DeliveryError.permanent(
                .authError, "every provider failed for +15005550001: a: transient timeout: no answer in 10s; b: permanent authError: 401")
        ) { try result.get() }
    }

    @Test func aSpentBudgetSkipsToTheNextProvider() async throws {
        let config = try Self.config(limits: ", limits: [{per: 1m, calls: 1}, {per: 1h, calls: 5}]")
        #expect(
            config.voice.provider("a")?.limits == [RateLimit(messages: 1, windowMillis: 60_000), RateLimit(messages: 5, windowMillis: 3_600_000)])
        let a = ScriptedProvider("a", [])
        let b = ScriptedProvider("b", [])
        let metrics = Metrics()
        let d = VoiceDispatcher(
            channel: .voice, config: config, providers: ["a": a, "b": b], budget: LocalBudget(), logger: Logger(process: "test"), metrics: metrics)
        for i in 0..<3 { _ = try await d.deliver(Self.notification("+15005550001", id: "n\(i)")).get() }
        #expect(a.count == 1 && b.count == 2)
        // Another callee has a budget of its own.
        _ = try await d.deliver(Self.notification("+15005550002", id: "other")).get()
        #expect(a.count == 2)
        #expect(metrics.value("klaxon_voice_budget_skips_total", ["channel": "voice", "provider": "a"]) == 2)
    }

    @Test func badConfigsAreReportedWithTheirPath() throws {
        let yaml = TestEnvironment.configYAML(
            namespace: "voice-bad",
            extra: """
                voice:
                  providers:
                    - {name: t, kind: twilio, account_sid: AC1, auth_token_env: MISSING, from: "12345"}
                    - {name: x, kind: carrier-pigeon}
                  chains:
                    - {prefix: "86", providers: [t, nope]}
                """)
        do {
            _ = try ConfigLoader.parse(yaml, environment: ["TEST_TOKEN": TestEnvironment.token])
            Issue.record("a bad voice section was accepted")
        } catch {
            let text = "\(error)"
            for (path, message) in [
                ("voice.providers[0].auth_token_env", "environment variable MISSING is not set"),
                ("voice.providers[0].from", "not an E.164 number"), ("voice.providers[1].kind", "expected one of twilio, webhook"),
                ("voice.chains[0].prefix", "expected \"\" or + and digits"), ("voice.chains[0].providers[1]", "no provider named \"nope\""),
            ] {
                #expect(text.split(separator: "\n").contains { $0.hasPrefix(path) && $0.contains(message) }, "\(path): \(message) in \(text)")
            }
        }
    }
}
