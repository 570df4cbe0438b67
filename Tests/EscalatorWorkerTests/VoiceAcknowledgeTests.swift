import AlertCore
import Escalation
import Foundation
import Signing
import TestSupport
import Testing

/// The phone path end to end, with the real broker, Redis, gateway, escalator and klaxon-voice:
/// a step pages carol by voice, the fake Twilio rings her and presses a key, the gateway checks
/// the signature and hands the key to the escalator.
@Suite(.serialized) struct VoiceAcknowledgeTests {
    static func voice(_ twilio: FakeTwilio, webhook: FakeVoiceWebhook? = nil) -> String {
        """
        voice:
          timeout: 5s
          providers:
            - {name: twilio, kind: twilio, account_sid: \(FakeTwilio.accountSID), auth_token_env: TWILIO_TOKEN, from: "+15005550006", base_url: "\(twilio.base)"}
        \(webhook.map { "    - {name: pbx, kind: webhook, url: \"\($0.url)\", secret_env: PBX_SECRET}" } ?? "")
          chains:
            - {prefix: "", providers: [twilio\(webhook == nil ? "" : ", pbx")]}
        """
    }

    static func startVoice(_ h: EscalatorHarness) async throws -> ChildProcess {
        let port = freePort()
        let p = try ChildProcess(
            try TestEnvironment.binary("klaxon-voice"), ["--config", h.configPath, "--channel", "voice", "--health-listen", "127.0.0.1:\(port)"],
            environment: EscalatorHarness.environment)
        try await waitFor("klaxon-voice ready on \(port)", seconds: 30) { (try? await http("GET", "http://127.0.0.1:\(port)/readyz").status) == 200 }
        return p
    }

    @Test func pressingOneOnTheCallAcknowledgesAndTheNextStepDoesNotFire() async throws {
        let twilio = try FakeTwilio()
        defer { twilio.stop() }
        let port = freePort()
        let h = try EscalatorHarness(wait: "\(Int(EscalatorHarness.answeredStepWait))s", gatewayPort: port, voice: Self.voice(twilio))
        defer { h.cleanUp() }
        let gateway = try await h.startGateway(port: port)
        defer { gateway.kill() }
        let escalator = try await h.start()
        let voice = try await Self.startVoice(h)
        defer { voice.kill() }

        // A forged key press (wrong signature) is refused and reaches nobody.
        let forged = try await http(
            "POST", "http://127.0.0.1:\(port)/voice/twilio/gather?n=x&i=y", body: Data("CallSid=CA1&Digits=1&To=%2B15005550001".utf8),
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"])
        #expect(forged.status == 403 && String(decoding: forged.body, as: UTF8.self).contains("X-Twilio-Signature"))

        let sent = Date()
        try h.send(.alert(Fx.alert("rang"), policy: "phone"))
        try await waitFor("the fake Twilio called back", seconds: 20) { !twilio.callbacks.isEmpty }
        let call = try #require(twilio.requests.first)
        #expect(call.resource == "Calls.json" && call.status == 201)
        #expect(call.form["To"] == "+15005550001" && call.form["From"] == "+15005550006")
        let twiml = try #require(call.form["Twiml"])
        #expect(twiml.contains("<Gather numDigits=\"1\"") && twiml.contains("Press 1 to acknowledge"), "\(twiml)")
        #expect(twiml.contains("rang"))
        let back = try #require(twilio.callbacks.first)
        #expect(back.status == 200 && back.body.contains("<Say>Acknowledged</Say>"), "\(back.status) \(back.body)\n\(gateway.log)")

        try await waitFor(seconds: 10) { try await h.incident("fp-rang", policy: "phone")?.incident.status == .acknowledged }
        let ack = try #require(try await h.incident("fp-rang", policy: "phone")?.incident.ack)
        #expect(ack.by == "carol" && ack.via == .phoneKey)
        // Past the step's wait, bob is not paged: only the team's report of the acknowledgement.
        let after = try await h.emails(until: EscalatorHarness.answeredStepWait + 3, after: sent)
        #expect(
            !after.isEmpty && after.allSatisfy { $0.incident?.kind == "acknowledged" && !$0.recipients.contains("bob@example.com") },
            "\(after.map { ($0.recipients, $0.incident?.kind ?? "") })")
        #expect(twilio.requests.count == 1)
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    /// "Call, then SMS if unanswered": erin does not answer (Twilio's status callback says
    /// no-answer), so the timeline records it and her SMS step, due in an hour, goes at once; the
    /// same callback again changes nothing more.
    @Test func anUnansweredCallIsRecordedAndBringsTheNextContactStepForward() async throws {
        let twilio = try FakeTwilio()
        defer { twilio.stop() }
        twilio.press(nil)
        let port = freePort()
        let h = try EscalatorHarness(wait: "1h", gatewayPort: port, voice: Self.voice(twilio))
        defer { h.cleanUp() }
        let gateway = try await h.startGateway(port: port)
        defer { gateway.kill() }
        let escalator = try await h.start()
        let voice = try await Self.startVoice(h)
        defer { voice.kill() }

        try h.send(.alert(Fx.alert("unanswered"), policy: "callthen"))
        try await waitFor("the fake Twilio reported no answer", seconds: 20) { !twilio.callbacks.isEmpty }
        let status = try #require(twilio.callbacks.first)
        #expect(status.url.contains("/voice/twilio/status?") && status.status == 200, "\(status.status) \(status.body)\n\(gateway.log)")
        let sms = try await h.notifications(.sms, count: 1, seconds: 15)
        #expect(sms.map(\.recipients) == [["+15005550003"]], "\(escalator.log)")
        let record = try #require(try await h.incident("fp-unanswered", policy: "callthen"))
        #expect(record.delayed.isEmpty)
        #expect(record.incident.timeline.filter { $0.what == .callOutcome(by: "erin", outcome: .noAnswer) }.count == 1)

        // Twilio retrying the callback: applied once.
        let again = try await http(
            "POST", status.url, body: Data(PercentEncoding.form(status.params).utf8),
            headers: [
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": TwilioSignature.sign(authToken: FakeTwilio.authToken, url: status.url, params: status.params),
            ])
        #expect(again.status == 200)
        #expect(try await h.notifications(.sms, count: 1, seconds: 2).isEmpty)
        let later = try #require(try await h.incident("fp-unanswered", policy: "callthen"))
        #expect(later.incident.timeline.filter { if case .callOutcome = $0.what { true } else { false } }.count == 1)
        #expect(later.incident.status == .triggered, "an unanswered call acknowledges nothing")
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    /// A page call no provider places (Twilio refuses the number, no other provider) is a call
    /// nobody answered: dead-lettered, and erin's SMS step goes at once.
    @Test func aCallNoProviderPlacedBringsTheNextContactStepForward() async throws {
        let twilio = try FakeTwilio()
        defer { twilio.stop() }
        twilio.refuseNext(status: 400, code: 21215)
        let h = try EscalatorHarness(wait: "1h", voice: Self.voice(twilio))
        defer { h.cleanUp() }
        let escalator = try await h.start()
        let voice = try await Self.startVoice(h)
        defer { voice.kill() }

        try h.send(.alert(Fx.alert("unplaced"), policy: "callthen"))
        let sms = try await h.notifications(.sms, count: 1, seconds: 20)
        #expect(sms.map(\.recipients) == [["+15005550003"]], "\(voice.log)\n\(escalator.log)")
        #expect(twilio.requests.map(\.status) == [400])
        let record = try #require(try await h.incident("fp-unplaced", policy: "callthen"))
        #expect(record.incident.timeline.contains { $0.what == .callOutcome(by: "erin", outcome: .failed) })
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }

    @Test func aNumberTwilioRefusesGoesToTheWebhookProvider() async throws {
        let twilio = try FakeTwilio()
        defer { twilio.stop() }
        let pbx = try FakeVoiceWebhook()
        defer { pbx.stop() }
        twilio.refuseNext(status: 400, code: 21215)
        let h = try EscalatorHarness(wait: "1h", voice: Self.voice(twilio, webhook: pbx))
        defer { h.cleanUp() }
        let escalator = try await h.start()
        let voice = try await Self.startVoice(h)
        defer { voice.kill() }

        try h.send(.alert(Fx.alert("failover"), policy: "phone"))
        try await waitFor("the webhook provider was called", seconds: 20) { !pbx.requests.isEmpty }
        let refused = try #require(twilio.requests.first)
        #expect(refused.status == 400 && refused.form["To"] == "+15005550001")
        let placed = try #require(pbx.requests.first)
        #expect(placed["type"] == "call" && placed["to"] == "+15005550001")
        let incident = try #require(try await h.incident("fp-failover", policy: "phone"))
        #expect(placed["incident_id"] == incident.incident.id)
        #expect(placed["callback_url"]?.hasPrefix("https://klaxon.example.com/voice/webhook/callback?n=") == true)
        // Once: Twilio is not asked again after it refused the number.
        try await Task.sleep(for: .seconds(1))
        #expect(twilio.requests.count == 1 && pbx.requests.count == 1, "\(voice.log)")
        #expect(await escalator.stop(), "\(escalator.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
    }
}
