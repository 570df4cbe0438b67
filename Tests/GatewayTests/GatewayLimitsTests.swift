import AMQP
import AlertCore
import Foundation
import Gateway
import Testing
import WorkerKit
import TestSupport

/// The hardening limits: slow senders, idle connections, connection count, chunked bodies over
/// the limit, and a broker that never confirms. Bounds below are polling limits, not timings.
@Suite(.serialized) struct GatewayLimitsTests {
    static let request = "POST /integrations/alertmanager/\(TestEnvironment.token) HTTP/1.1\r\nHost: x\r\n"

    @Test func slowlorisIsCutWhileOthersAreServed() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(gateway: "idle_timeout_seconds: 2")
        let headers = Array((Self.request + "Content-Type: application/json\r\nX-Padding: " + String(repeating: "a", count: 400)).utf8)
        // Two tricklers: one byte every 200 ms never leaves libmicrohttpd's socket idle for long,
        // so only the request deadline can cut them.
        let slow = try #require(RawClient(port: h.port))
        let slowBody = try #require(RawClient(port: h.port))
        #expect(slowBody.send(Self.request + "Content-Length: 100000\r\n\r\n{"))
        let started = Date()
        var i = 0
        var cut = false
        // A polling bound, not a timing: on a loaded machine (parallel suites on 2 cores) the
        // watchdog's sweep and these sends can each run seconds late; 6 s of margin once failed.
        while Date().timeIntervalSince(started) < 2 + 30 {  // idle timeout + a generous margin
            let a = slow.send([headers[i % headers.count]])
            let b = slowBody.send(Array(" ".utf8))
            i += 1
            if i % 5 == 0 {
                // Everyone else is still served meanwhile.
                let r = try await http("GET", "\(h.base)/healthz")
                #expect(r.status == 200)
            }
            if (!a || slow.isClosed(waitMillis: 0)) && (!b || slowBody.isClosed(waitMillis: 0)) { cut = true; break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(cut, "slow senders still connected after the idle timeout plus margin")
        // Load can only delay the cut, never advance it: elapsed time, not iterations, is the measure.
        #expect(Date().timeIntervalSince(started) >= 1.5, "the tricklers were cut before the idle timeout (2 s)")
        let ok = try await http("POST", h.url(), body: try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json"))
        #expect(ok.status == 202)
        await h.finish()
    }

    @Test func idleConnectionIsClosed() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(gateway: "idle_timeout_seconds: 1")
        let idle = try #require(RawClient(port: h.port))
        let kept = try #require(RawClient(port: h.port))
        #expect(kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(kept.readResponse()?.status == 200)
        #expect(idle.isClosed(waitMillis: 6000), "an idle connection outlived idle_timeout_seconds plus margin")
        // A keep-alive connection idle after its response is closed the same way.
        #expect(kept.isClosed(waitMillis: 6000))
        // At least these two (the harness's own readiness check may have left one more idle).
        #expect(await eventually(seconds: 5) { h.metrics.value("klaxon_gateway_connections_timed_out_total") >= 2 })
        await h.finish()
    }

    @Test func connectionsBeyondTheLimitAreClosedAndServiceResumes() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(gateway: "max_connections: 4\nidle_timeout_seconds: 30")
        var held: [RawClient] = []
        for _ in 0..<4 {
            let c = try #require(RawClient(port: h.port))
            #expect(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
            #expect(c.readResponse()?.status == 200)  // accepted and kept alive
            held.append(c)
        }
        // The fifth gets no answer: libmicrohttpd stops accepting at the limit (the kernel's
        // backlog holds it).
        do {
            let extra = try #require(RawClient(port: h.port))
            extra.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(extra.readResponse(seconds: 3) == nil)
        }
        // Free slots: new clients are served again.
        held.removeLast()
        let served = await eventually(seconds: 10) {
            guard let c = RawClient(port: h.port), c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") else { return false }
            return c.readResponse(seconds: 2)?.status == 200
        }
        #expect(served)
        #expect(held.count == 3)
        await h.finish()
    }

    @Test func chunkedBodyOverTheLimitGets413() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness(gateway: "max_body_bytes: 2048")
        let c = try #require(RawClient(port: h.port))
        let chunk = String(repeating: "x", count: 1000)
        var req = Self.request + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<4 { req += String(chunk.count, radix: 16) + "\r\n" + chunk + "\r\n" }
        req += "0\r\n\r\n"
        #expect(c.send(req))
        let r = try #require(c.readResponse())
        #expect(r.status == 413)
        #expect(r.body.contains("exceeds the limit of 2048 bytes"))
        // Header-declared oversize is refused before the body is read.
        let d = try #require(RawClient(port: h.port))
        #expect(d.send(Self.request + "Content-Length: 999999\r\n\r\n"))
        #expect(d.readResponse()?.status == 413)
        // Both are counted, though the HTTP layer answered them without the gateway's handler.
        #expect(h.metrics.value("klaxon_gateway_requests_rejected_total", ["reason": "body_too_large"]) == 2)
        await h.finish()
    }

    @Test func brokerThatNeverConfirmsGets503AfterThePublishTimeout() async throws {
        // Accepts TCP and never speaks AMQP: the publisher hangs in its handshake, and the
        // gateway's request timeout must still answer.
        let silent = try SilentListener()
        let h = try GatewayHarness(gateway: "publish_timeout: 500ms", brokerURL: "amqp://guest:guest@127.0.0.1:\(silent.port)/")
        let r = try await http("POST", h.url(), body: try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json"))
        #expect(r.status == 503)
        #expect(r.headers["retry-after"] == "5")
        #expect(h.metrics.value("klaxon_gateway_requests_rejected_total", ["reason": "broker_unavailable"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_requests_in_flight") == 0)
        h.gateway.stop()
        // The publisher thread is stuck in the silent handshake until the listener closes.
        _ = silent
    }

    /// Past `max_pending_alerts` a request is answered 503 with `Retry-After` at once, nothing
    /// published; once the waiting request is answered (here by its timeout) requests are
    /// admitted again.
    @Test func pastMaxPendingAlertsRequestsAreShedAtOnce() async throws {
        let silent = try SilentListener()
        let h = try GatewayHarness(
            gateway: "publish_timeout: 3s\nmax_pending_alerts: 1", brokerURL: "amqp://guest:guest@127.0.0.1:\(silent.port)/")
        let body = try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json")
        let url = h.url()
        async let waiting = http("POST", url, body: body)
        while h.metrics.value("klaxon_gateway_alerts_pending") != 1 { try await Task.sleep(for: .milliseconds(10)) }
        let shed = try await http("POST", url, body: body)
        #expect(shed.status == 503)
        #expect(shed.headers["retry-after"] == "1")
        #expect(String(decoding: shed.body, as: UTF8.self).contains("max_pending_alerts"))
        #expect(h.metrics.value("klaxon_gateway_alerts_pending") == 1, "the first request still waits: it was shed while it did")
        let first = try await waiting
        #expect(first.status == 503 && first.headers["retry-after"] == "5", "the waiting one times out as broker_unavailable")
        #expect(h.metrics.value("klaxon_gateway_alerts_pending") == 0)
        #expect(h.metrics.value("klaxon_gateway_requests_rejected_total", ["reason": "overloaded"]) == 1)
        #expect(h.metrics.value("klaxon_gateway_requests_rejected_total", ["reason": "broker_unavailable"]) == 1)
        // Admitted again (and timed out again: the broker still says nothing).
        #expect(try await http("POST", url, body: body).headers["retry-after"] == "5")
        h.gateway.stop()
        _ = silent
    }

    @Test func garbageRequestsNeverCrashTheGateway() async throws {
        _ = try TestEnvironment.broker()
        let h = try GatewayHarness()
        let junk = [
            "\r\n\r\n", "GARBAGE\r\n\r\n", "POST / HTTP/9.9\r\n\r\n", "GET /" + String(repeating: "a", count: 70000) + " HTTP/1.1\r\n\r\n",
            Self.request + "Content-Length: -5\r\n\r\n", Self.request + "Content-Length: abc\r\n\r\n",
            Self.request + "Content-Length: 3\r\n\r\n\u{0}\u{1}\u{2}",
        ]
        for j in junk {
            if let c = RawClient(port: h.port) {
                c.send(j)
                // 505 is libmicrohttpd's protocol answer to an HTTP version it does not speak.
                if let r = c.readResponse(seconds: 5) { #expect(r.status < 500 || r.status == 505, "\(j.prefix(40)) → \(r.status)") }
            }
        }
        #expect(try await http("GET", "\(h.base)/healthz").status == 200)
        await h.finish()
    }
}
