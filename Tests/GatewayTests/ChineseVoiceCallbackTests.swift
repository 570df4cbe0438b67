import AMQP
import AlertCore
import Escalation
import Foundation
import Gateway
import Redis
import TestSupport
import Testing
import WorkerKit
import YAMLConfig

/// Aliyun's receipt pushes and Tencent Cloud's callbacks at the gateway, on the real broker and
/// Redis: the URL token, the body's shape, the call found through the calls `klaxon-voice`
/// recorded (`VoiceCallBook`), and the key's command on the escalation queue.
@Suite(.serialized) struct ChineseVoiceCallbackTests {
    static let aliyunToken = "aliyun-receipt-token-0123"
    static let tencentToken = "tencent-callback-token-0123"

    final class Harness: Sendable {
        let config: KlaxonConfig
        let metrics = Metrics()
        let publisher: Publisher
        let gateway: GatewayService
        let redis: SharedRedis
        let book: VoiceCallBook
        let port: Int

        init(redis withRedis: Bool = true) throws {
            _ = try TestEnvironment.broker()
            _ = try TestEnvironment.redis()
            let extra = """
                people:
                  - {id: wei, name: Wei, email: wei@example.com, phone: "+8613800138000", contact_rules: {default: [voice]}}
                voice:
                  providers:
                    - name: aliyun
                      kind: aliyun
                      access_key_id: LTAIexample
                      access_key_secret_env: AK
                      called_show_number: "057188990000"
                      ivr: {start_code: TTS_200001, keys: {"1": TTS_200011, "2": TTS_200012, "3": TTS_200013}}
                      receipt_token_env: AR
                    - {name: tencent, kind: tencent, secret_id: AKIDx, secret_key_env: TK, sdk_app_id: "1400123456", template_id: "1000001", callback_token_env: TC}
                  chains:
                    - {prefix: "+86", providers: [aliyun, tencent]}
                """
            config = try ConfigLoader.parse(
                TestEnvironment.configYAML(namespace: TestEnvironment.namespace(), extra: extra),
                environment: [
                    "TEST_TOKEN": TestEnvironment.token, "AK": "secret", "TK": "secret", "AR": ChineseVoiceCallbackTests.aliyunToken,
                    "TC": ChineseVoiceCallbackTests.tencentToken,
                ])
            redis = SharedRedis(config.redis)
            book = VoiceCallBook(redis: redis, namespace: config.broker.namespace)
            publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
            gateway = GatewayService(
                config: config, publisher: publisher, logger: Logger(process: "test", minimum: .error), metrics: metrics,
                redis: withRedis ? redis : nil)
            port = try gateway.start()
            publisher.waitUntilConnected()
        }

        func post(_ path: String, token: String?, _ body: String) async throws -> HTTPResult {
            let query = token.map { "?token=\(PercentEncoding.unreserved($0))" } ?? ""
            return try await http(
                "POST", "http://127.0.0.1:\(port)\(path)\(query)", body: Data(body.utf8), headers: ["Content-Type": "application/json"])
        }

        /// The commands on the escalation queue now, taken off it.
        func commands(expecting count: Int = 0) async throws -> [IncidentCommand] {
            try await waitFor("the gateway's publisher to connect") { publisher.isConnected }
            let conn = try TestEnvironment.broker()
            defer { conn.close() }
            let queue = Topology(namespace: config.broker.namespace).commandQueue
            let got =
                count > 0 ? try await TestEnvironment.waitForMessages(conn, queue, count: count, seconds: 5) : try TestEnvironment.drain(conn, queue)
            return try got.map { try #require(try JSONDecoder().decode(EscalatorMessage.self, from: Data($0.body)).command) }
        }

        func finish() async {
            gateway.stop()
            await publisher.shutdown()
            if case .array(let keys)? = try? await redis.command(["KEYS", "\(config.broker.namespace):*"]) {
                for k in keys.compactMap(\.string) { _ = try? await redis.command(["DEL", k]) }
            }
            redis.close()
            TestEnvironment.removeTopology(config)
        }
    }

    static let call = VoiceCallbacks.Call(notification: "n-1", incident: "inc-1", to: "+8613800138000")

    @Test func anAliyunKeyBecomesTheCommandOnceAndOtherReportsAreOnlyCounted() async throws {
        let h = try Harness()
        let ref = VoiceCallbacks.reference(notification: Self.call.notification, to: Self.call.to)
        try await h.book.record(Self.call, reference: ref)
        let path = VoiceCallbacks.aliyunReceiptsPath

        #expect(try await h.post(path, token: nil, "[]").status == 403)
        #expect(try await h.post(path, token: "wrong", "[]").status == 403)
        #expect(h.metrics.value("klaxon_gateway_voice_callbacks_total", ["provider": "aliyun", "outcome": "bad_token"]) == 2)
        let bad = try await h.post(path, token: Self.aliyunToken, #"[{"status_code":"300000"}]"#)
        #expect(bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("call_id"))
        #expect(try await h.post(path, token: Self.aliyunToken, "not json").status == 400)

        let key = #"[{"call_id":"116^1","status_code":"300000","dtmf":"1","status_time":"2024-01-02 03:04:05","out_id":"\#(ref)"}]"#
        let ok = try await h.post(path, token: Self.aliyunToken, key)
        #expect(ok.status == 200 && ok.json["code"] as? Int == 0 && ok.json["msg"] as? String == "接收成功")
        // Aliyun pushes again, and the final report carries the key too: the same command id.
        #expect(try await h.post(path, token: Self.aliyunToken, key).status == 200)
        let final = #"[{"call_id":"116^1","status_code":"200000","status_msg":"用户听完","dtmf":"1","out_id":"\#(ref)","callee":"13800138000"}]"#
        #expect(try await h.post(path, token: Self.aliyunToken, final).status == 200)
        let commands = try await h.commands(expecting: 3)
        #expect(commands.count == 3 && Set(commands.map(\.id)) == ["aliyun:116^1:1"])
        let c = try #require(commands.first)
        #expect(c.incidentID == "inc-1" && c.action == .acknowledge && c.by == "wei" && c.via == .phoneKey)

        // Not answered: counted, no command. A key for a call found by its call id only: key 3 snoozes.
        #expect(try await h.post(path, token: Self.aliyunToken, #"[{"call_id":"116^2","status_code":"200003","out_id":"zzz"}]"#).status == 200)
        try await h.book.record(Self.call, kind: .aliyun, callID: "116^3")
        #expect(try await h.post(path, token: Self.aliyunToken, #"[{"call_id":"116^3","status_code":"300000","dtmf":"3"}]"#).status == 200)
        // A key for a call Klaxon never placed: answered (pushing again cannot help), counted.
        #expect(try await h.post(path, token: Self.aliyunToken, #"[{"call_id":"999^9","status_code":"300000","dtmf":"1"}]"#).status == 200)
        let snooze = try await h.commands(expecting: 1)
        #expect(snooze.map(\.id) == ["aliyun:116^3:3"] && snooze.first?.action == .snooze && snooze.first?.until != nil)
        #expect(h.metrics.value("klaxon_gateway_voice_callbacks_total", ["provider": "aliyun", "outcome": "200003"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_voice_callbacks_total", ["provider": "aliyun", "outcome": "unknown_call"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_voice_callbacks_total", ["provider": "aliyun", "outcome": "key_1"]) == 3)
        #expect(try await h.commands().isEmpty)
        await h.finish()
    }

    @Test func aTencentKeyPressBecomesTheCommand() async throws {
        let h = try Harness()
        try await h.book.record(Self.call, kind: .tencent, callID: "tc-7")
        let path = VoiceCallbacks.tencentCallbackPath
        #expect(try await h.post(path, token: "wrong", "{}").status == 403)
        #expect(try await h.post(path, token: Self.tencentToken, #"{"something_else":{}}"#).status == 400)
        let prompt = try await h.post(
            path, token: Self.tencentToken, #"{"voiceprompt_callback":{"result":"0","callid":"tc-7","mobile":"13800138000","nationcode":"86"}}"#)
        #expect(prompt.status == 200 && prompt.json["result"] as? Int == 0 && prompt.json["errmsg"] as? String == "OK")
        let key = try await h.post(
            path, token: Self.tencentToken,
            #"{"voicekey_callback":{"call_from":"","callid":"tc-7","keypress":"2","mobile":"13800138000","nationcode":"86"}}"#)
        #expect(key.status == 200 && key.json["result"] as? Int == 0)
        let failure = try await h.post(
            path, token: Self.tencentToken,
            #"{"voice_failure_callback":{"callid":"tc-8","failure_code":"5","failure_reason":"无人接听","mobile":"1","nationcode":"86"}}"#)
        #expect(failure.status == 200)
        let commands = try await h.commands(expecting: 1)
        #expect(commands.map(\.id) == ["tencent:tc-7:2"] && commands.first?.action == .resolve && commands.first?.by == "wei")
        #expect(h.metrics.value("klaxon_gateway_voice_callbacks_total", ["provider": "tencent", "outcome": "answered"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_voice_callbacks_total", ["provider": "tencent", "outcome": "failure_5"]) == 1)
        await h.finish()
    }

    @Test func theDocumentListsBothPaths() async throws {
        let h = try Harness()
        let doc = try await http("GET", "http://127.0.0.1:\(h.port)/openapi.json")
        let paths = try #require((try JSONSerialization.jsonObject(with: doc.body) as? [String: Any])?["paths"] as? [String: Any])
        for p in [VoiceCallbacks.aliyunReceiptsPath, VoiceCallbacks.tencentCallbackPath] { #expect(paths[p] != nil, "\(p)") }
        await h.finish()
    }

    @Test func withoutRedisAKeyIsNotTakenSoTheProviderPushesAgain() async throws {
        let h = try Harness(redis: false)
        let r = try await h.post(
            VoiceCallbacks.aliyunReceiptsPath, token: Self.aliyunToken, #"[{"call_id":"116^1","status_code":"300000","dtmf":"1","out_id":"x"}]"#)
        #expect(r.status == 503 && r.json["code"] as? Int == 1)
        // Reports without a key are still taken.
        #expect(
            try await h.post(VoiceCallbacks.aliyunReceiptsPath, token: Self.aliyunToken, #"[{"call_id":"116^1","status_code":"200000"}]"#).status
                == 200)
        await h.finish()
    }
}
