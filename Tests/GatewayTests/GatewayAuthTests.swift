import AMQP
import AlertCore
import Foundation
import Gateway
import Signing
import Testing
import WorkerKit
import YAMLConfig
import TestSupport

/// Per-integration basic auth and HMAC signatures, against the real broker.
@Suite(.serialized) struct GatewayAuthTests {
    static let integrations = """
        - name: basic
          kind: alertmanager
          token_env: TEST_TOKEN
          basic_auth: {username_env: GW_USER, password_env: GW_PASSWORD}
        - name: signed
          kind: grafana
          token_env: TEST_TOKEN
          hmac: {secret_env: GW_HMAC}
        - name: signed-ts
          kind: formatted-webhook
          token_env: TEST_TOKEN
          hmac: {header: X-Signature, secret_env: GW_HMAC, timestamp_header: X-Signature-Timestamp, max_skew: 1m}
        """
    static let body = Data(#"{"alerts":[{"status":"firing","labels":{"alertname":"A"}}]}"#.utf8)
    static let formatted = Data(#"{"alert_uid":"u1","title":"disk full","state":"alerting"}"#.utf8)

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Signing.base64(Array("\(user):\(password)".utf8))
    }

    static func sign(_ body: Data, ts: String? = nil, secret: String = "hmac-secret-0123456789") -> String {
        Signing.hex(Signing.hmacSHA256(key: Array(secret.utf8), message: Array(((ts.map { $0 + ":" }) ?? "").utf8) + Array(body)))
    }

    @Test func basicAuthIsRequiredAndChecked() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(integrations: Self.integrations)
        let cases: [([String: String], Int, String)] = [
            ([:], 401, "missing Authorization"),
            (["Authorization": "Bearer abc"], 401, "malformed"),
            (["Authorization": "Basic !!!"], 401, "malformed"),
            (["Authorization": Self.basic("grafana", "wrong")], 401, "wrong username or password"),
            (["Authorization": Self.basic("other", "pa:ss wörd")], 401, "wrong username or password"),
        ]
        for (headers, status, reason) in cases {
            let r = try rawHTTP(port: h.port, "POST", h.path(), headers: headers, body: Self.body)
            #expect(r.status == status, "\(headers)")
            #expect((r.json["error"] as? String)?.contains(reason) == true, "\(String(decoding: r.body, as: UTF8.self))")
            #expect(r.headers["www-authenticate"]?.hasPrefix("Basic realm=") == true)
            #expect(r.headers["content-type"] == "application/json")
        }
        // The password holds ':' and non-ASCII: only the first ':' separates.
        let ok = try rawHTTP(port: h.port, "POST", h.path(), headers: ["Authorization": Self.basic("grafana", "pa:ss wörd")], body: Self.body)
        #expect(ok.status == 202, "\(String(decoding: ok.body, as: UTF8.self))")
        #expect(h.metrics.value("klaxon_gateway_requests_rejected_total", ["reason": "unauthorized"]) == 5)
        await h.finish()
    }

    @Test func grafanaHMACSignatureOverTheRawBody() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(integrations: Self.integrations)
        let grafana = try TestEnvironment.sample("grafana/grafana_firing_single_dashboard_panel_urls.json")
        let header = "X-Grafana-Alerting-Signature"
        let cases: [([String: String], Int, String)] = [
            ([:], 401, "missing X-Grafana-Alerting-Signature"),
            ([header: "zz"], 401, "expected 64 hex digits"),
            ([header: String(repeating: "0", count: 64)], 401, "signature mismatch"),
            ([header: Self.sign(grafana, secret: "another-secret")], 401, "signature mismatch"),
            ([header: Self.sign(grafana + Data(" ".utf8))], 401, "signature mismatch"),
        ]
        for (headers, status, reason) in cases {
            let r = try rawHTTP(port: h.port, "POST", h.path("grafana"), headers: headers, body: grafana)
            #expect(r.status == status)
            #expect((r.json["error"] as? String)?.contains(reason) == true, "\(String(decoding: r.body, as: UTF8.self))")
            #expect(r.headers["www-authenticate"] == nil)
        }
        let ok = try rawHTTP(port: h.port, "POST", h.path("grafana"), headers: [header: Self.sign(grafana).uppercased()], body: grafana)
        #expect(ok.status == 202, "\(String(decoding: ok.body, as: UTF8.self))")
        await h.finish()
    }

    @Test func timestampedSignatureAndSkew() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(integrations: Self.integrations)
        let now = String(Int(Date().timeIntervalSince1970))
        let old = String(Int(Date().timeIntervalSince1970) - 3600)
        let path = h.path("formatted-webhook")
        let body = Self.formatted
        let cases: [([String: String], Int, String)] = [
            (["X-Signature": Self.sign(body, ts: now)], 401, "missing X-Signature-Timestamp"),
            (["X-Signature": Self.sign(body, ts: now), "X-Signature-Timestamp": "yesterday"], 401, "expected Unix seconds"),
            (["X-Signature": Self.sign(body, ts: old), "X-Signature-Timestamp": old], 401, "away from the gateway's clock"),
            (["X-Signature": Self.sign(body, ts: "-9223372036854775808"), "X-Signature-Timestamp": "-9223372036854775808"], 401, "away from"),
            // Signed without the timestamp: the timestamp is part of the message.
            (["X-Signature": Self.sign(body), "X-Signature-Timestamp": now], 401, "signature mismatch"),
        ]
        for (headers, status, reason) in cases {
            let r = try rawHTTP(port: h.port, "POST", path, headers: headers, body: body)
            #expect(r.status == status)
            #expect((r.json["error"] as? String)?.contains(reason) == true, "\(String(decoding: r.body, as: UTF8.self))")
        }
        let ok = try rawHTTP(
            port: h.port, "POST", path, headers: ["X-Signature": Self.sign(body, ts: now), "X-Signature-Timestamp": now], body: body)
        #expect(ok.status == 202, "\(String(decoding: ok.body, as: UTF8.self))")
        let got = try await TestEnvironment.waitForMessages(try TestEnvironment.broker(), Topology(namespace: h.namespace).ingestQueue, count: 1)
        #expect(try got.map { try Codec.decode(Alert.self, from: $0.body).integration } == ["signed-ts"])
        await h.finish()
    }

    /// Unit checks of the verification, with an injected clock.
    @Test func skewBoundaryWithInjectedClock() throws {
        let config = try ConfigLoader.parse(
            """
            integrations:
              - name: s
                kind: webhook
                token_env: TEST_TOKEN
                hmac: {secret_env: GW_HMAC, timestamp_header: X-TS, max_skew: 30s}
            """, environment: GatewayHarness.secrets)
        let auth = config.integrations[0].auth
        #expect(auth.hmac?.header == "X-Grafana-Alerting-Signature")
        #expect(auth.hmac?.maxSkewMillis == 30_000)
        #expect(config.integrations[0].auth.basic == nil)
    }
}

/// `basic_auth:` and `hmac:` config errors name their path.
struct GatewayAuthConfigTests {
    static func issues(_ entry: String, environment: [String: String] = GatewayHarness.secrets) -> [String] {
        let yaml =
            "integrations:\n  - name: x\n    kind: grafana\n    token_env: TEST_TOKEN\n"
            + entry.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        do {
            _ = try ConfigLoader.parse(yaml, environment: environment)
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test(arguments: [
        ("basic_auth: {username_env: GW_USER}", "integrations[0].basic_auth.password_env: missing (required)"),
        (
            "basic_auth: {username_env: NOPE, password_env: GW_PASSWORD}",
            "integrations[0].basic_auth.username_env: environment variable NOPE is not set"
        ),
        ("basic_auth: {username_env: GW_USER, password_env: GW_PASSWORD, realm: x}", "integrations[0].basic_auth.realm: unknown key"),
        ("basic_auth: yes", "integrations[0].basic_auth: expected a mapping"),
        ("hmac: {header: X-Sig}", "integrations[0].hmac.secret_env: missing (required)"),
        ("hmac: {secret_env: GW_HMAC, header: 'bad header'}", "integrations[0].hmac.header: not a valid HTTP header name"),
        ("hmac: {secret_env: GW_HMAC, timestamp_header: 'a:b'}", "integrations[0].hmac.timestamp_header: not a valid HTTP header name"),
        ("hmac: {secret_env: GW_HMAC, max_skew: 5m}", "integrations[0].hmac.max_skew: applies only with timestamp_header"),
        ("hmac: {secret_env: GW_HMAC, timestamp_header: X-TS, max_skew: soon}", "integrations[0].hmac.max_skew: expected a duration"),
        ("hmac: {secret_env: GW_HMAC, algorithm: sha1}", "integrations[0].hmac.algorithm: unknown key"),
    ])
    func errorsNameThePath(_ entry: String, _ expected: String) {
        let found = Self.issues(entry)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func bothChecksTogether() throws {
        let c = try ConfigLoader.parse(
            """
            integrations:
              - name: both
                kind: grafana
                token_env: TEST_TOKEN
                basic_auth: {username_env: GW_USER, password_env: GW_PASSWORD}
                hmac: {secret_env: GW_HMAC}
            """, environment: GatewayHarness.secrets)
        #expect(
            c.integrations[0].auth
                == IntegrationAuth(
                    basic: .init(username: "grafana", password: "pa:ss wörd"),
                    hmac: .init(secret: "hmac-secret-0123456789")))
    }
}
