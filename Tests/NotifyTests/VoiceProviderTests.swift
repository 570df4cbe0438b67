import AlertCore
import Foundation
import Notify
import TestSupport
import Testing

@Suite struct TwiMLTests {
    @Test func thePageSaysTheMessageAndTheMenuInsideGather() {
        let doc = TwiML.page(message: "disk <full> & \"hot\"", language: "en-US", gatherURL: "https://k.example.com/voice/twilio/gather?n=a&i=b")
        #expect(
            doc
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                + "<Gather numDigits=\"1\" action=\"https://k.example.com/voice/twilio/gather?n=a&amp;i=b\" method=\"POST\" timeout=\"10\">"
                + "<Say voice=\"Polly.Joanna\" language=\"en-US\">disk &lt;full&gt; &amp; &quot;hot&quot; Press 1 to acknowledge, 2 to resolve, 3 to snooze 30 minutes.</Say></Gather>"
                + "<Gather numDigits=\"1\" action=\"https://k.example.com/voice/twilio/gather?n=a&amp;i=b\" method=\"POST\" timeout=\"10\">"
                + "<Say voice=\"Polly.Joanna\" language=\"en-US\">Press 1 to acknowledge, 2 to resolve, 3 to snooze 30 minutes.</Say></Gather></Response>"
        )
        #expect(FakeTwilio.gatherAction(doc) == "https://k.example.com/voice/twilio/gather?n=a&i=b")
    }

    @Test func voicesFollowTheLanguage() {
        #expect(TwiML.voice("zh-CN") == ("Polly.Zhiyu", "cmn-CN"))
        #expect(TwiML.voice("ru_RU") == ("Polly.Tatyana", "ru-RU"))
        #expect(TwiML.voice("de-DE") == ("Polly.Joanna", "en-US"))
        #expect(TwiML.page(message: "磁盘", language: "zh-CN", gatherURL: "u").contains("按 1 确认"))
    }

    @Test func controlCharactersAreDroppedAndLongMessagesCut() {
        #expect(TwiML.escape("a\u{1}b\u{7}c'\n") == "abc&apos;\n")
        let doc = TwiML.page(message: String(repeating: "é&", count: 5000), language: "en", gatherURL: "https://k/x")
        #expect(doc.count <= 4000 && doc.count > 3900)
        #expect(doc.hasSuffix("</Gather></Response>"))
        #expect(TwiML.notice(message: String(repeating: "x", count: 9000), language: "en").count <= 4000)
    }
}

@Suite struct TwilioProviderTests {
    static func provider(_ fake: FakeTwilio, token: String = FakeTwilio.authToken) -> TwilioProvider {
        var p = VoiceConfig.Provider(name: "twilio", kind: .twilio)
        p.baseURL = fake.base
        p.accountSID = FakeTwilio.accountSID
        p.authToken = token
        p.from = "+15005550006"
        return TwilioProvider(p, publicURL: "https://k.example.com", http: VoiceHTTP(threads: 1, timeoutMillis: 5000))
    }

    static let request = VoiceRequest(
        kind: .call, notificationID: "n/1", incidentID: "inc-1", to: "+15005550001", message: "db down", language: "en-US")

    @Test func errorCodesDecideWhetherAnotherProviderIsTried() throws {
        func judge(_ status: Int, _ code: Int) -> DeliveryError? {
            do {
                _ = try TwilioProvider.judge(status: status, body: Data(#"{"code":\#(code),"message":"m"}"#.utf8), provider: "t")
                return nil
            } catch { return error }
        }
        #expect(judge(401, 20003)?.kind == .permanent && judge(401, 20003)?.reason == .authError)
        for code in [21211, 21217, 21215] { #expect(judge(400, code) == .permanent(.vendorCode, "t: HTTP 400 code \(code): m")) }
        #expect(judge(429, 20429)?.kind == .transient && judge(429, 20429)?.reason == .rateLimited)
        #expect(judge(503, 0)?.kind == .transient)
        #expect(judge(400, 32018)?.kind == .permanent)
        #expect(try TwilioProvider.judge(status: 201, body: Data(#"{"sid":"CA1"}"#.utf8), provider: "t") == "CA1")
    }

    @Test func aCallReachesTheFakeWithEveryFieldItChecks() async throws {
        let fake = try FakeTwilio()
        defer { fake.stop() }
        fake.press(nil)
        let sid = try await Self.provider(fake).send(Self.request)
        #expect(sid.hasPrefix("CA") && sid.count == 34)
        let r = try #require(fake.requests.first)
        #expect(r.form["StatusCallback"] == "https://k.example.com/voice/twilio/status?n=n%2F1&i=inc-1")
        #expect(FakeTwilio.gatherAction(r.form["Twiml"] ?? "") == "https://k.example.com/voice/twilio/gather?n=n%2F1&i=inc-1")
        var sms = Self.request
        sms.kind = .sms
        #expect(try await Self.provider(fake).send(sms).hasPrefix("SM"))
        #expect(fake.requests.last?.form["Body"] == "db down")
    }

    @Test func wrongCredentialsAndRefusedNumbersArePermanent() async throws {
        let fake = try FakeTwilio()
        defer { fake.stop() }
        await #expect(throws: DeliveryError.self) { _ = try await Self.provider(fake, token: "wrong").send(Self.request) }
        do {
            _ = try await Self.provider(fake, token: "wrong").send(Self.request)
        } catch {
            #expect(error.kind == .permanent && error.reason == .authError)
        }
        fake.refuseNext(status: 400, code: 21211)
        do {
            _ = try await Self.provider(fake).send(Self.request)
            Issue.record("a refused number was accepted")
        } catch { #expect(error.kind == .permanent && error.reason == .vendorCode) }
        fake.refuseNext(status: 503, code: 0)
        do {
            _ = try await Self.provider(fake).send(Self.request)
            Issue.record("a 503 was accepted")
        } catch { #expect(error.kind == .transient) }
    }
}

@Suite struct WebhookProviderTests {
    @Test func theRequestIsSignedAndCarriesTheCallback() async throws {
        let fake = try FakeVoiceWebhook()
        defer { fake.stop() }
        var p = VoiceConfig.Provider(name: "pbx", kind: .webhook)
        p.url = fake.url
        p.secret = FakeVoiceWebhook.secret
        let http = VoiceHTTP(threads: 1, timeoutMillis: 5000)
        let id = try await WebhookProvider(p, publicURL: "https://k.example.com/", http: http).send(TwilioProviderTests.request)
        #expect(id == "pbx-1")
        let r = try #require(fake.requests.first)
        #expect(r["type"] == "call" && r["to"] == "+15005550001" && r["incident_id"] == "inc-1" && r["language"] == "en-US")
        #expect(r["callback_url"] == "https://k.example.com/voice/webhook/callback?n=n%2F1&i=inc-1")
        p.secret = "wrong"
        do {
            _ = try await WebhookProvider(p, publicURL: nil, http: http).send(TwilioProviderTests.request)
            Issue.record("a wrongly signed request was accepted")
        } catch { #expect(error.kind == .permanent && error.reason == .authError) }
        #expect(fake.requests.count == 1)
    }
}
