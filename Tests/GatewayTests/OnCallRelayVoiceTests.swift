import AlertCore
import Foundation
import TestSupport
import Testing

/// The relay end to end: OnCall's `make_call` reaches the gateway, `klaxon-voice` (the real
/// executable) places the call through the fake Twilio to the person's phone, in the person's
/// language, without a key menu.
@Suite(.serialized) struct OnCallRelayVoiceTests {
    @Test func makeCallRingsThePersonsPhoneThroughKlaxonVoice() async throws {
        let twilio = try FakeTwilio()
        defer { twilio.stop() }
        let voiceSection = """
            voice:
              timeout: 5s
              providers:
                - {name: twilio, kind: twilio, account_sid: \(FakeTwilio.accountSID), auth_token_env: TWILIO_TOKEN, from: "+15005550006", base_url: "\(twilio.base)"}
              chains:
                - {prefix: "", providers: [twilio]}
            """
        // With a public URL: a call with an incident would get the key menu; a relayed call has none.
        let h = try OnCallRelayHarness(gateway: "public_url: https://klaxon.example.com", extra: voiceSection)
        let configPath = try TestEnvironment.temporaryDirectory("oncall-relay").appendingPathComponent("klaxon.yaml").path
        try h.yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let health = freePort()
        let voice = try ChildProcess(
            try TestEnvironment.binary("klaxon-voice"), ["--config", configPath, "--channel", "voice", "--health-listen", "127.0.0.1:\(health)"],
            environment: OnCallRelayHarness.environment)
        defer { voice.kill() }
        try await waitFor("klaxon-voice ready on \(health)", seconds: 30) {
            (try? await http("GET", "http://127.0.0.1:\(health)/readyz").status) == 200
        }

        let message = "You are invited to check an incident from Grafana OnCall. Alert via Grafana Alerting with title HighCPU triggered 1 times"
        let r = try await h.post("api/v1/make_call", form: [("email", "alice@example.com"), ("message", message)])
        #expect(r.status == 200 && r.text == "{}")
        try await waitFor("the fake Twilio was called", seconds: 20) { !twilio.requests.isEmpty }
        let call = try #require(twilio.requests.first)
        #expect(call.resource == "Calls.json" && call.status == 201)
        #expect(call.form["To"] == "+15005550001" && call.form["From"] == "+15005550006")
        let twiml = try #require(call.form["Twiml"])
        #expect(twiml.contains(message), "\(twiml)")
        #expect(twiml.contains("Polly.Zhiyu"), "alice's language is zh-CN: \(twiml)")
        #expect(!twiml.contains("<Gather") && !twiml.contains("Press 1"), "no key can acknowledge a relayed call: \(twiml)")
        #expect(call.form["StatusCallback"]?.hasPrefix("https://klaxon.example.com/voice/twilio/status?n=oncall-relay-") == true)
        // Once: nothing retries a call Twilio accepted.
        try await Task.sleep(for: .seconds(1))
        #expect(twilio.requests.count == 1, "\(voice.log)")
        voice.signal(SIGTERM)
        #expect(await voice.wait() == 0, "\(voice.log)")
        await h.finish()
    }
}
