import AMQP
import AlertCore
import Escalation
import Foundation
import TestSupport
import Testing

/// The Chinese providers end to end, with the real broker, Redis, gateway, escalator and
/// klaxon-voice: a step pages wei (+86) through Aliyun's IVR, or Tencent Cloud when Aliyun's
/// flow control refuses; the fakes play the callee and press a key, which comes back as a
/// receipt push, a callback, or (no public URL) by polling the call detail.
@Suite(.serialized) struct ChineseVoiceAcknowledgeTests {
    static let number = "+8613800138000"

    static func voice(_ aliyun: FakeAliyun, _ tencent: FakeTencent, aliyunExtra: String = "") -> String {
        """
        voice:
          timeout: 5s
          providers:
            - name: aliyun
              kind: aliyun
              access_key_id: \(FakeAliyun.accessKeyID)
              access_key_secret_env: ALIYUN_SECRET
              base_url: "\(aliyun.base)"
              sms_base_url: "\(aliyun.base)"
              called_show_number: "\(FakeAliyun.showNumber)"
              tts_code: TTS_100001
              ivr: {start_code: TTS_200001, keys: {"1": TTS_200011, "2": TTS_200012, "3": TTS_200013}, timeout: 10s}
              receipt_token_env: ALIYUN_RECEIPT_TOKEN
        \(aliyunExtra)
            - name: tencent
              kind: tencent
              secret_id: \(FakeTencent.secretID)
              secret_key_env: TENCENT_KEY
              sdk_app_id: "\(FakeTencent.sdkAppID)"
              template_id: "\(FakeTencent.templateID)"
              base_url: "\(tencent.base)"
              callback_token_env: TENCENT_CALLBACK_TOKEN
          chains:
            - {prefix: "+86", providers: [aliyun, tencent]}
        """
    }

    static func receiptURL(_ port: Int) -> String {
        "http://127.0.0.1:\(port)\(VoiceCallbacks.aliyunReceiptsPath)?token=\(EscalatorHarness.environment["ALIYUN_RECEIPT_TOKEN"]!)"
    }

    static func callbackURL(_ port: Int) -> String {
        "http://127.0.0.1:\(port)\(VoiceCallbacks.tencentCallbackPath)?token=\(EscalatorHarness.environment["TENCENT_CALLBACK_TOKEN"]!)"
    }

    /// Waits for wei's incident to be acknowledged by wei through a phone key; then, past the
    /// step's wait from `sent`, bob is not paged: only the team hears of the acknowledgement.
    static func expectAcknowledgedByWei(_ h: EscalatorHarness, sent: Date, _ logs: @autoclosure () -> String) async throws {
        try await waitFor("the incident acknowledged by the key", seconds: 30) {
            try await h.incident("fp-cn", policy: "phone-cn")?.incident.status == .acknowledged
        }
        let ack = try #require(try await h.incident("fp-cn", policy: "phone-cn")?.incident.ack)
        #expect(ack.by == "wei" && ack.via == .phoneKey, "\(logs())")
        let after = try await h.emails(until: EscalatorHarness.answeredStepWait + 3, after: sent)
        #expect(
            !after.isEmpty && after.allSatisfy { $0.incident?.kind == "acknowledged" && !$0.recipients.contains("bob@example.com") },
            "\(after.map { ($0.recipients, $0.incident?.kind ?? "") })")
    }

    @Test func pressingOneOnAnAliyunIvrCallAcknowledgesThroughTheReceiptPush() async throws {
        let port = freePort()
        let aliyun = try FakeAliyun(pushURL: Self.receiptURL(port))
        defer { aliyun.stop() }
        let tencent = try FakeTencent()
        defer { tencent.stop() }
        let h = try EscalatorHarness(wait: "\(Int(EscalatorHarness.answeredStepWait))s", gatewayPort: port, voice: Self.voice(aliyun, tencent))
        defer { h.cleanUp() }
        let gateway = try await h.startGateway(port: port)
        defer { gateway.kill() }
        let escalator = try await h.start()
        let voice = try await VoiceAcknowledgeTests.startVoice(h)
        defer { voice.kill() }

        let sent = Date()
        try h.send(.alert(Fx.alert("磁盘满", fingerprint: "fp-cn"), policy: "phone-cn"))
        try await waitFor("the fake Aliyun pushed both receipts", seconds: 20) { aliyun.pushes.count == 2 }
        let call = try #require(aliyun.requests("IvrCall").first)
        #expect(call.code == "OK" && call.params["CalledNumber"] == "13800138000" && call.params["StartCode"] == "TTS_200001")
        let incident = try #require(try await h.incident("fp-cn", policy: "phone-cn"))
        let stored = try h.redis.command(["GET", RedisKeys.voiceCall(h.namespace, "ref:\(call.params["OutId"] ?? "")")])
        #expect(stored.string?.contains(incident.incident.id) == true, "the call is recorded by its OutId")
        #expect(aliyun.pushes.allSatisfy { $0.status == 200 && $0.answer.contains("\"code\":0") }, "\(aliyun.pushes)\n\(gateway.log)")
        try await Self.expectAcknowledgedByWei(h, sent: sent, gateway.log + voice.log)
        #expect(aliyun.requests.count == 1 && tencent.requests.isEmpty)
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    @Test func aliyunsFlowControlRingsTencentInsteadAndItsKeyAcknowledges() async throws {
        let port = freePort()
        let aliyun = try FakeAliyun()
        defer { aliyun.stop() }
        aliyun.alreadyCalled("13800138000")
        let tencent = try FakeTencent(callbackURL: Self.callbackURL(port))
        defer { tencent.stop() }
        let h = try EscalatorHarness(wait: "\(Int(EscalatorHarness.answeredStepWait))s", gatewayPort: port, voice: Self.voice(aliyun, tencent))
        defer { h.cleanUp() }
        let gateway = try await h.startGateway(port: port)
        defer { gateway.kill() }
        let escalator = try await h.start()
        let voice = try await VoiceAcknowledgeTests.startVoice(h)
        defer { voice.kill() }

        let sent = Date()
        try h.send(.alert(Fx.alert("磁盘满", fingerprint: "fp-cn"), policy: "phone-cn"))
        try await waitFor("the fake Tencent called back", seconds: 20) { tencent.callbacks.count == 2 }
        #expect(aliyun.requests.map(\.code) == ["isv.BUSINESS_LIMIT_CONTROL"])
        let call = try #require(tencent.calls.first)
        #expect(call.body["CalledNumber"] as? String == Self.number)
        #expect(tencent.callbacks.allSatisfy { $0.status == 200 && $0.answer.contains("\"result\":0") }, "\(tencent.callbacks)\n\(gateway.log)")
        try await Self.expectAcknowledgedByWei(h, sent: sent, gateway.log + voice.log)
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    @Test func everyProviderFailingDeadLettersWithEachReasonAndTheNextStepFires() async throws {
        let aliyun = try FakeAliyun()
        defer { aliyun.stop() }
        aliyun.refuseNext("isv.AMOUNT_NOT_ENOUGH")
        let tencent = try FakeTencent()
        defer { tencent.stop() }
        tencent.refuseNext("FailedOperation.InsufficientBalanceInVoicePackage")
        let h = try EscalatorHarness(wait: "2s", voice: Self.voice(aliyun, tencent))
        defer { h.cleanUp() }
        let escalator = try await h.start()
        let voice = try await VoiceAcknowledgeTests.startVoice(h)
        defer { voice.kill() }

        try h.send(.alert(Fx.alert("磁盘满", fingerprint: "fp-cn"), policy: "phone-cn"))
        let topology = Topology(namespace: h.namespace)
        let dead = try await TestEnvironment.waitForMessages(
            h.conn, topology.deadLetterQueue(of: topology.notifyQueue(.voice)), count: 1, seconds: 20)
        let reason = try #require(dead.first?.headers[Topology.Header.deadLetterReason]?.description, "\(voice.log)")
        #expect(reason.contains("every provider failed for \(Self.number)"), "\(reason)")
        #expect(reason.contains("aliyun: permanent vendorCode: aliyun: HTTP 200 isv.AMOUNT_NOT_ENOUGH"), "\(reason)")
        #expect(reason.contains("tencent: permanent vendorCode: tencent: HTTP 200 FailedOperation.InsufficientBalanceInVoicePackage"), "\(reason)")
        // The escalation goes on: bob is paged at the next step.
        let next = try await h.emails(count: 1, seconds: 15)
        #expect(next.recipients == ["bob@example.com"])
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    @Test func withoutAPublicURLTheKeyIsPolledAndARestartKeepsPolling() async throws {
        let aliyun = try FakeAliyun()
        defer { aliyun.stop() }
        aliyun.lagDetail(queries: 2)
        let tencent = try FakeTencent()
        defer { tencent.stop() }
        let h = try EscalatorHarness(
            wait: "1h", voice: Self.voice(aliyun, tencent, aliyunExtra: "      poll_interval: 1s\n      poll_for: 1m"), publicURL: false)
        defer { h.cleanUp() }
        let escalator = try await h.start()
        var voice = try await VoiceAcknowledgeTests.startVoice(h)
        defer { voice.kill() }

        try h.send(.alert(Fx.alert("磁盘满", fingerprint: "fp-cn"), policy: "phone-cn"))
        try await waitFor("the IVR call", seconds: 20) { !aliyun.requests("IvrCall").isEmpty }
        #expect(aliyun.pushes.isEmpty)
        let polls = RedisKeys.voicePolls(h.namespace)
        // The poll is in Redis: a worker stopped now leaves it to the next one.
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
        #expect(try h.redis.command(["ZCARD", polls]).integer == 1)
        voice = try await VoiceAcknowledgeTests.startVoice(h)

        try await waitFor("the incident acknowledged by the polled key", seconds: 30) {
            try await h.incident("fp-cn", policy: "phone-cn")?.incident.status == .acknowledged
        }
        let ack = try #require(try await h.incident("fp-cn", policy: "phone-cn")?.incident.ack)
        #expect(ack.by == "wei" && ack.via == .phoneKey)
        #expect(aliyun.requests("QueryCallDetailByCallId").count >= 3, "the record lagged two queries")
        try await waitFor("the poll finished", seconds: 10) { try h.redis.command(["ZCARD", polls]).integer == 0 }
        #expect(aliyun.requests("IvrCall").count == 1)
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    /// "Call, then SMS if unanswered" without a public URL: the polled call detail says li did
    /// not answer (200003), so the timeline records it and li's SMS, due in an hour, goes now.
    @Test func withoutAPublicURLAnUnansweredCallIsPolledAndTheSMSGoesAtOnce() async throws {
        let aliyun = try FakeAliyun()
        defer { aliyun.stop() }
        aliyun.answer(.noAnswer)
        aliyun.lagDetail(queries: 1)
        let tencent = try FakeTencent()
        defer { tencent.stop() }
        let h = try EscalatorHarness(
            wait: "1h", voice: Self.voice(aliyun, tencent, aliyunExtra: "      poll_interval: 1s\n      poll_for: 1m"), publicURL: false)
        defer { h.cleanUp() }
        let escalator = try await h.start()
        let voice = try await VoiceAcknowledgeTests.startVoice(h)
        defer { voice.kill() }

        try h.send(.alert(Fx.alert("无人接听", fingerprint: "fp-li"), policy: "callthen-cn"))
        let sms = try await h.notifications(.sms, count: 1, seconds: 30)
        #expect(sms.map(\.recipients) == [["+8613900139001"]], "\(voice.log)\n\(escalator.log)")
        #expect(aliyun.requests("IvrCall").count == 1 && aliyun.requests("QueryCallDetailByCallId").count >= 2)
        let record = try #require(try await h.incident("fp-li", policy: "callthen-cn"))
        #expect(record.incident.timeline.filter { $0.what == .callOutcome(by: "li", outcome: .noAnswer) }.count == 1)
        #expect(record.delayed.isEmpty && record.incident.status == .triggered)
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }
}
