import AlertCore
import CurlClient
import Foundation
import Testing
import TestSupport

/// HTTPClient against python's http.server on 127.0.0.1 (started by the test, free port).
@Suite("HTTPClient against a loopback HTTP server")
struct HTTPClientTests {
    /// POST /echo → 200 with JSON {body, content_type, x_test}; POST /status/N → N;
    /// POST /sleep → answers after 3 s.
    static let server = #"""
        import http.server, json, sys, time
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path = self.path.split("?")[0]
                if path.startswith("/sleep"):
                    time.sleep(3)
                status = int(path.split("/")[2]) if path.startswith("/status/") else 200
                out = json.dumps({"body": body.decode(), "content_type": self.headers.get("Content-Type"),
                                  "x_test": self.headers.get("X-Test"), "expect": self.headers.get("Expect")}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            def log_message(self, *a):
                pass
        s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        print(f"http_sink: listening on 127.0.0.1:{s.server_address[1]}", flush=True)
        s.serve_forever()
        """#

    func startServer() async throws -> (ChildProcess, Int) {
        let child = try ChildProcess(TestEnvironment.python, ["-c", Self.server])
        return (child, try await child.waitForListeningPort(prefix: "http_sink: listening on "))
    }

    @Test func postSendsBodyAndHeadersAndReturnsStatus() async throws {
        let (server, port) = try await startServer()
        defer { server.kill() }
        let client = HTTPClient()
        let body = #"{"msgtype":"text","text":{"content":"磁盘告警 диск"}}"#
        let big = String(repeating: "x", count: 2_000_000)
        let result = try await Task.detached {
            let r1 = try client.post(
                url: "http://127.0.0.1:\(port)/echo", headers: [("Content-Type", "application/json"), ("X-Test", "yes")],
                body: Array(body.utf8), timeout: .seconds(5))
            let r2 = try client.post(
                url: "http://127.0.0.1:\(port)/status/503?access_token=secret", headers: [],
                body: [], timeout: .seconds(5))
            let r3 = try HTTPClient(responseLimit: 4 << 20).post(
                url: "http://127.0.0.1:\(port)/echo", headers: [],
                body: Array(big.utf8), timeout: .seconds(5))
            let r4 = try HTTPClient(responseLimit: 10).post(
                url: "http://127.0.0.1:\(port)/echo", headers: [],
                body: Array(big.utf8), timeout: .seconds(5))
            return (r1, r2, r3, r4)
        }.value
        #expect(result.0.status == 200)
        let echo = try JSONSerialization.jsonObject(with: result.0.body) as? [String: Any]
        #expect(echo?["body"] as? String == body)
        #expect(echo?["content_type"] as? String == "application/json")
        #expect(echo?["x_test"] as? String == "yes")
        #expect(result.1.status == 503)
        let bigEcho = try JSONSerialization.jsonObject(with: result.2.body) as? [String: Any]
        #expect((bigEcho?["body"] as? String)?.count == big.count)
        #expect(bigEcho?["expect"] is NSNull, "no Expect: 100-continue")
        #expect(result.3.status == 200 && result.3.body.count == 10, "body beyond responseLimit is dropped")
    }

    @Test func transportFailuresAreTransientAndHideTheURLsSecrets() async throws {
        let port = freePort()
        let client = HTTPClient()
        do {
            _ = try client.post(
                url: "http://127.0.0.1:\(port)/robot/send?access_token=tok-SECRET", headers: [],
                body: Array("{}".utf8), timeout: .seconds(2))
            Issue.record("POST to a closed port succeeded")
        } catch {
            #expect(error.kind == .transient && error.reason == .network, "got \(error)")
            #expect(!error.detail.contains("tok-SECRET") && !error.detail.contains("/robot/send"), "\(error)")
            #expect(error.detail.contains("127.0.0.1:\(port)"))
        }
    }

    @Test func slowServerIsTransientTimeout() async throws {
        let (server, port) = try await startServer()
        defer { server.kill() }
        let client = HTTPClient()
        let outcome: Result<(status: Int, body: Data), DeliveryError> = await Task.detached {
            Result { () throws(DeliveryError) in
                try client.post(url: "http://127.0.0.1:\(port)/sleep", headers: [], body: [], timeout: .milliseconds(500))
            }
        }.value
        switch outcome {
        case .success: Issue.record("expected a timeout")
        case .failure(let e): #expect(e.kind == .transient && e.reason == .timeout, "got \(e)")
        }
    }
}
