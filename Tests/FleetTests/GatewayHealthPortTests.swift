import AlertCore
import Foundation
import Gateway
import Testing
import WorkerKit
import TestSupport

/// The gateway's health and metrics on a port of their own: senders that fill the gateway's
/// port (every connection slot held) must not make its liveness probe fail, or Kubernetes
/// restarts a gateway for being busy, in the middle of an alert storm.
@Suite struct GatewayHealthPortTests {
    @Test func aFullGatewayPortStillAnswersHealthAndMetricsOnTheHealthPort() async throws {
        _ = try TestEnvironment.broker()
        let port = freePort()
        let healthPort = freePort()
        let ns = TestEnvironment.namespace()
        let dir = try TestEnvironment.temporaryDirectory("gateway-health")
        let path = dir.appendingPathComponent("klaxon.yaml").path
        let limits = "max_connections: 4\nidle_timeout_seconds: 60"
        try TestEnvironment.configYAML(namespace: ns, gateway: limits)
            .replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try TestEnvironment.config(namespace: ns, gateway: limits)
        defer { TestEnvironment.removeTopology(config) }
        let gateway = try ChildProcess(
            try TestEnvironment.binary("klaxon-gateway"), ["--config", path, "--health-listen", "127.0.0.1:\(healthPort)"],
            environment: ["TEST_TOKEN": TestEnvironment.token])
        defer { gateway.kill() }
        try await waitFor("the gateway ready on its port", seconds: 30) {
            (try? await http("GET", "http://127.0.0.1:\(port)/readyz").status) == 200
        }
        #expect(try await http("GET", "http://127.0.0.1:\(healthPort)/readyz").status == 200, "\(gateway.log)")

        // Senders hold every slot of the gateway's port (the readiness polls above may hold one
        // too): then a probe there gets no answer…
        var held: [RawClient] = []
        var unanswered = false
        while held.count <= 4 && !unanswered {
            let c = try #require(RawClient(port: port))
            #expect(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
            if c.readResponse(seconds: 3)?.status == 200 { held.append(c) } else { unanswered = true }
        }
        #expect(unanswered && !held.isEmpty, "\(held.count) connections held")
        // …while the health port answers health, readiness and the gateway's own metrics.
        #expect(try await http("GET", "http://127.0.0.1:\(healthPort)/healthz").status == 200)
        #expect(try await http("GET", "http://127.0.0.1:\(healthPort)/readyz").status == 200)
        let metrics = try await http("GET", "http://127.0.0.1:\(healthPort)/metrics")
        #expect(metrics.status == 200 && String(decoding: metrics.body, as: UTF8.self).contains("klaxon_gateway_alerts_pending"))
        gateway.signal(SIGTERM)
        #expect(await gateway.wait() == 0, "\(gateway.log)")
    }

    /// Not given, or given as the gateway's own port (as the chart did): no second listener.
    @Test func theHealthPortIsOnlySeparateWhenGivenOnAnotherPort() throws {
        var gateway = try TestEnvironment.config(namespace: "unused").gateway
        gateway.listen = ListenAddress(host: "0.0.0.0", port: 8080)
        func separate(_ args: [String], _ env: [String: String] = [:]) throws -> ListenAddress? {
            GatewayService.separateHealthListen(try ProcessOptions.parse(["--config", "k.yaml"] + args, environment: env), config: gateway)
        }
        #expect(try separate([]) == nil)
        #expect(try separate(["--health-listen", "0.0.0.0:8080"]) == nil)
        #expect(try separate([], ["KLAXON_HEALTH_LISTEN": "0.0.0.0:8080"]) == nil)
        #expect(try separate(["--health-listen", "0.0.0.0:9090"]) == ListenAddress(host: "0.0.0.0", port: 9090))
        #expect(try separate([], ["KLAXON_HEALTH_LISTEN": "127.0.0.1:9191"]) == ListenAddress(host: "127.0.0.1", port: 9191))
    }
}
