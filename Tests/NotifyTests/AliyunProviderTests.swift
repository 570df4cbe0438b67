import AlertCore
import Foundation
import Notify
import TestSupport
import Testing

/// `AliyunProvider` against `FakeAliyun`, which checks the signature, fields and limits.
@Suite struct AliyunProviderTests {
    static func config(_ fake: FakeAliyun, secret: String = FakeAliyun.accessKeySecret, ivr: Bool = true) -> VoiceConfig.Provider {
        var p = VoiceConfig.Provider(name: "aliyun", kind: .aliyun)
        p.baseURL = fake.base
        p.aliyun.smsBaseURL = fake.base
        p.aliyun.accessKeyID = FakeAliyun.accessKeyID
        p.aliyun.accessKeySecret = secret
        p.aliyun.calledShowNumber = FakeAliyun.showNumber
        p.aliyun.ttsCode = "TTS_100001"
        if ivr {
            p.aliyun.ivr = .init(startCode: "TTS_200001", keys: ["1": "TTS_200011", "2": "TTS_200012", "3": "TTS_200013"], timeoutMillis: 10_000)
        }
        p.aliyun.sms = .init(signName: FakeAliyun.signName, templateCode: "SMS_300001", param: "alert")
        return p
    }

    static func provider(_ fake: FakeAliyun, secret: String = FakeAliyun.accessKeySecret, now: @escaping @Sendable () -> Date = { Date() })
        -> AliyunProvider
    {
        AliyunProvider(config(fake, secret: secret), publicURL: nil, http: VoiceHTTP(threads: 1, timeoutMillis: 5000), now: now)
    }

    static func request(_ to: String = "+8613800138000", incident: String = "inc-1", message: String? = nil) -> VoiceRequest {
        VoiceRequest(
            kind: .call, notificationID: "n-\(UUID().uuidString)", incidentID: incident, to: to,
            message: message ?? "数据库 db-1 宕机 https://grafana.example.com/d/1 " + String(repeating: "很长的告警说明", count: 60), language: "zh-CN")
    }

    @Test func anIncidentsCallIsAnIvrCallWithTheAlertInItsVariable() async throws {
        let fake = try FakeAliyun()
        defer { fake.stop() }
        let r = Self.request()
        let id = try await Self.provider(fake).send(r)
        let call = try #require(fake.requests("IvrCall").first)
        #expect(call.code == "OK" && call.callID == id)
        #expect(call.params["CalledNumber"] == "13800138000" && call.params["CalledShowNumber"] == FakeAliyun.showNumber)
        #expect(
            call.params["StartCode"] == "TTS_200001" && call.params["MenuKeyMap.1.Key"] == "1" && call.params["MenuKeyMap.3.Code"] == "TTS_200013")
        #expect(call.params["OutId"] == r.reference && r.reference.utf8.count == 15)
        #expect(call.params["Timeout"] == "10000" && call.params["PlayTimes"] == "2")
        let param = try #require(
            try JSONSerialization.jsonObject(with: Data((call.params["StartTtsParams"] ?? "").utf8)) as? [String: String])
        let alert = try #require(param["alert"])
        #expect(alert.hasPrefix("数据库 db-1 宕机 很长") && alert.count == 249 && !alert.contains("http"))
        #expect(AliyunProvider(Self.config(fake), publicURL: nil, http: VoiceHTTP(threads: 1, timeoutMillis: 5000)).polls(r))
        #expect(!AliyunProvider(Self.config(fake), publicURL: "https://k.example.com", http: VoiceHTTP(threads: 1, timeoutMillis: 5000)).polls(r))
    }

    @Test func withoutAnIncidentTheCallIsANotice() async throws {
        let fake = try FakeAliyun()
        defer { fake.stop() }
        _ = try await Self.provider(fake).send(Self.request(incident: ""))
        let call = try #require(fake.requests.first)
        #expect(call.action == "SingleCallByTts" && call.code == "OK" && call.params["TtsCode"] == "TTS_100001")
    }

    @Test func smsGoesThroughSendSms() async throws {
        let fake = try FakeAliyun()
        defer { fake.stop() }
        var r = Self.request("+8613800138001")
        r.kind = .sms
        let id = try await Self.provider(fake).send(r)
        let sms = try #require(fake.requests("SendSms").first)
        #expect(sms.code == "OK" && sms.callID == id && sms.params["PhoneNumbers"] == "13800138001" && sms.params["SignName"] == "Klaxon")
        let param = try JSONSerialization.jsonObject(with: Data((sms.params["TemplateParam"] ?? "").utf8)) as? [String: String]
        #expect(param?["alert"]?.count == 35)
    }

    @Test func errorsThatWillNotChangeArePermanent() async throws {
        let fake = try FakeAliyun()
        defer { fake.stop() }
        func failure(_ p: AliyunProvider, _ r: VoiceRequest = Self.request()) async -> DeliveryError? {
            do {
                _ = try await p.send(r)
                return nil
            } catch { return error }
        }
        let wrong = await failure(Self.provider(fake, secret: "wrong"))
        #expect(
            wrong?.kind == .permanent && wrong?.reason == .authError && wrong?.detail.contains("SignatureDoesNotMatch") == true,
            "\(String(describing: wrong))")
        let stale = await failure(Self.provider(fake, now: { Date().addingTimeInterval(-20 * 60) }))
        #expect(stale?.kind == .permanent && stale?.detail.contains("InvalidTimeStamp.Expired") == true)
        // A number outside mainland China never reaches Aliyun.
        let count = fake.requests.count
        #expect(await failure(Self.provider(fake), Self.request("+15005550001"))?.reason == .invalidPayload)
        #expect(fake.requests.count == count)
        fake.refuseNext("isv.AMOUNT_NOT_ENOUGH")
        #expect(
            await failure(Self.provider(fake), Self.request("+8613900139000"))
                == .permanent(.vendorCode, "aliyun: HTTP 200 isv.AMOUNT_NOT_ENOUGH: refused as the test asked"))
    }

    @Test func theCarriersFlowControlIsPermanentWhicheverStatusCarriesIt() async throws {
        let fake = try FakeAliyun()
        defer { fake.stop() }
        let p = Self.provider(fake)
        _ = try await p.send(Self.request("+8613700137000"))
        for status in [200, 400] {
            fake.businessErrors(status: status)
            do {
                _ = try await p.send(Self.request("+8613700137000"))
                Issue.record("a second call within a minute was accepted")
            } catch {
                #expect(error.kind == .permanent && error.reason == .rateLimited && error.detail.contains("isv.BUSINESS_LIMIT_CONTROL"), "\(error)")
            }
        }
        #expect(fake.requests("IvrCall").map(\.status) == [200, 200, 400])
    }

    @Test func theCallDetailGivesTheKeyOnceItIsThere() async throws {
        let fake = try FakeAliyun()
        defer { fake.stop() }
        fake.lagDetail(queries: 1)
        fake.answer(.press("1"))
        let p = Self.provider(fake)
        let placed = Date()
        let id = try await p.send(Self.request("+8613600136000"))
        var outcome: VoiceCallOutcome?
        try await waitFor("the call detail", seconds: 30) {  // a loaded full run needed more than 10 s
            outcome = try await p.outcome(callID: id, placedAt: placed)
            return outcome != nil
        }
        #expect(outcome == VoiceCallOutcome(status: "200000", digits: "1"))
        // Aliyun's lag: an empty Data first.
        #expect(fake.requests("QueryCallDetailByCallId").count >= 2)
        let query = try #require(fake.requests("QueryCallDetailByCallId").last)
        #expect(query.params["ProdId"] == "11000000300005" && query.params["CallId"] == id && query.code == "OK")
        #expect(try await p.outcome(callID: "unknown^1", placedAt: placed) == nil)
    }
}
