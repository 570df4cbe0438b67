import AMQP
import AlertCore
import Foundation
import Gateway
import HTTPServer
import Synchronization
import Testing
import WorkerKit
import TestSupport

/// Graceful shutdown: stop accepting, answer what is in flight, then stop.
@Suite(.serialized) struct GatewayShutdownTests {
    /// A server whose handler parks every request until the test releases it.
    final class Parking: Sendable {
        let parked = Mutex<[HTTPResponder]>([])
        var count: Int { parked.withLock { $0.count } }
        func releaseAll() {
            for r in parked.withLock({ p in
                defer { p.removeAll() }; return p
            }) { r(.json(200, Array(#"{"ok":true}"#.utf8))) }
        }
    }

    final class Events: Sendable { let seen = Mutex<[HTTPServer.Event]>([]) }

    static func server(_ parking: Parking, events: Events? = nil) throws -> HTTPServer {
        try HTTPServer(
            .init(
                host: "127.0.0.1", port: 0, threads: 2, maxConnections: 16, idleTimeoutSeconds: 30,
                onEvent: { e in events?.seen.withLock { $0.append(e) } })
        ) { req, respond in
            if req.path == "/park" { parking.parked.withLock { $0.append(respond) } } else { respond(.json(200, Array("{}".utf8))) }
        }
    }

    @Test func drainsParkedRequestsThenStops() async throws {
        let parking = Parking()
        let server = try Self.server(parking)
        let port = server.port
        let client = try #require(RawClient(port: port))
        #expect(client.send("GET /park HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(await eventually(seconds: 10) { parking.count == 1 })

        let cut = Mutex<Int?>(nil)
        let t = Thread {
            let n = server.shutdown(drainSeconds: 30); cut.withLock { $0 = n }
        }
        t.start()
        // New connections are refused once the listening socket is closed…
        #expect(await eventually(seconds: 10) { RawClient(port: port) == nil })
        // …while the parked request is still waiting, not cut.
        #expect(!client.isClosed(waitMillis: 0))
        #expect(cut.withLock { $0 } == nil)
        parking.releaseAll()
        let r = try #require(client.readResponse())
        #expect(r.status == 200)
        #expect(r.headers["connection"]?.lowercased() == "close")
        #expect(await eventually(seconds: 10) { cut.withLock { $0 } != nil })
        #expect(cut.withLock { $0 } == 0)
    }

    @Test func stragglersGet503AtTheDeadline() async throws {
        let parking = Parking()
        let events = Events()
        let server = try Self.server(parking, events: events)
        let client = try #require(RawClient(port: server.port))
        #expect(client.send("GET /park HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(await eventually(seconds: 10) { parking.count == 1 })
        let cut = server.shutdown(drainSeconds: 0.3)
        #expect(cut == 1)
        #expect(events.seen.withLock { $0 } == [.answeredAtShutdown])
        let r = try #require(client.readResponse())
        #expect(r.status == 503)
        #expect(r.body.contains("shutting down"))
        // The late answer from the handler is dropped safely (the connection is gone).
        parking.releaseAll()
        #expect(server.shutdown(drainSeconds: 1) == 0)  // idempotent
    }

    @Test func gatewayAnswersAcceptedRequestBeforeStopping() async throws {
        let conn = try TestEnvironment.broker()
        let h = try GatewayHarness()
        let body = String(decoding: try TestEnvironment.sample("alertmanager/am_firing_two_alerts_chinese_alertname.json"), as: UTF8.self)
        let client = try #require(RawClient(port: h.port))
        // A first request proves the connection is accepted; the second is sent, then stop().
        #expect(client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(client.readResponse()?.status == 200)
        #expect(
            client.send(
                "POST /integrations/alertmanager/\(TestEnvironment.token) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            ))
        let stopped = Mutex(false)
        let gw = h.gateway
        let t = Thread {
            gw.stop(); stopped.withLock { $0 = true }
        }
        t.start()
        let r = try #require(client.readResponse())
        #expect(r.status == 202, "\(r.body)")
        #expect(await eventually(seconds: 20) { stopped.withLock { $0 } })
        #expect(RawClient(port: h.port) == nil)
        let got = try await TestEnvironment.waitForMessages(conn, Topology(namespace: h.namespace).ingestQueue, count: 2)
        #expect(got.count == 2)
        await h.finish()
    }
}
