import AlertCore
import Foundation
import Notify
import TestSupport
import Testing

/// `TencentProvider` against `FakeTencent`, which checks the TC3 signature, headers, fields and
/// the callee's frequency limits.
@Suite struct TencentProviderTests {
    static func provider(_ fake: FakeTencent, key: String = FakeTencent.secretKey, now: @escaping @Sendable () -> Date = { Date() })
        -> TencentProvider
    {
        var p = VoiceConfig.Provider(name: "tencent", kind: .tencent)
        p.baseURL = fake.base
        p.tencent.secretID = FakeTencent.secretID
        p.tencent.secretKey = key
        p.tencent.sdkAppID = FakeTencent.sdkAppID
        p.tencent.templateID = FakeTencent.templateID
        return TencentProvider(p, http: VoiceHTTP(threads: 1, timeoutMillis: 5000), now: now)
    }

    static func request(_ to: String) -> VoiceRequest {
        VoiceRequest(
            kind: .call, notificationID: "n-\(to)", incidentID: "inc-1", to: to,
            message: "磁盘满 www.example.com " + String(repeating: "告警", count: 400), language: "zh-CN")
    }

    func failure(_ p: TencentProvider, _ r: VoiceRequest) async -> DeliveryError? {
        do {
            _ = try await p.send(r)
            return nil
        } catch { return error }
    }

    @Test func aCallIsSignedAndCarriesTheTemplateAndTheCut() async throws {
        let fake = try FakeTencent()
        defer { fake.stop() }
        let r = Self.request("+8613800138000")
        let id = try await Self.provider(fake).send(r)
        let call = try #require(fake.calls.first)
        #expect(call.callID == id && call.headers["x-tc-region"] == "ap-guangzhou")
        #expect(call.body["CalledNumber"] as? String == "+8613800138000" && call.body["SessionContext"] as? String == r.reference)
        let params = try #require(call.body["TemplateParamSet"] as? [String])
        #expect(params.count == 1 && params[0].count == 350 && params[0].hasPrefix("磁盘满 告警"))
        #expect(call.body["PlayTimes"] as? Int == 2)
    }

    @Test func refusalsAreClassified() async throws {
        let fake = try FakeTencent()
        defer { fake.stop() }
        #expect(
            await failure(Self.provider(fake, key: "wrong"), Self.request("+8613800138001"))
                == .permanent(.authError, "tencent: HTTP 200 AuthFailure.SignatureFailure: refused: AuthFailure.SignatureFailure"))
        #expect(
            await failure(Self.provider(fake, now: { Date().addingTimeInterval(-600) }), Self.request("+8613800138001"))?.detail.contains(
                "AuthFailure.SignatureExpire") == true)
        // The callee's 30 s limit moves to the next provider; the API's own rate is retried.
        _ = try await Self.provider(fake).send(Self.request("+8613800138002"))
        let limited = await failure(Self.provider(fake), Self.request("+8613800138002"))
        #expect(limited?.kind == .permanent && limited?.reason == .rateLimited && limited?.detail.contains(FakeTencent.thirtySecondLimit) == true)
        fake.refuseNext("RequestLimitExceeded")
        #expect(await failure(Self.provider(fake), Self.request("+8613800138003"))?.kind == .transient)
        fake.refuseNext("FailedOperation.InsufficientBalanceInVoicePackage")
        #expect(await failure(Self.provider(fake), Self.request("+8613800138004"))?.reason == .vendorCode)
        // Numbers outside mainland China and SMS never reach Tencent.
        let count = fake.requests.count
        #expect(await failure(Self.provider(fake), Self.request("+15005550001"))?.reason == .invalidPayload)
        var sms = Self.request("+8613800138005")
        sms.kind = .sms
        #expect(await failure(Self.provider(fake), sms)?.reason == .invalidPayload)
        #expect(fake.requests.count == count)
    }
}
