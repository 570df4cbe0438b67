import AMQP
import Foundation
import Synchronization
import TestSupport
import Testing

/// `amqps://` toward a plain AMQP port: the client must start a TLS handshake (not fall back to
/// plain AMQP) and fail with an error, not crash. The port is the test's own listener, which
/// answers like RabbitMQ's plain port does to bytes that are not an AMQP header (its protocol
/// header, then close) and records what the client sent, so the test cannot pass for want of
/// a listener.
@Suite struct AMQPTLSTests {
    /// Accepts one connection, keeps its first bytes, answers `AMQP 0-9-1` and closes.
    final class PlainAMQPPort: Sendable {
        let listener: SilentListener
        let received = Mutex<[UInt8]?>(nil)
        let done = DispatchSemaphore(value: 0)

        init() throws {
            listener = try SilentListener()
            let thread = Thread { [self] in
                defer { done.signal() }
                var p = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 10_000) > 0 else { return }
                let fd = accept(listener.fd, nil, nil)
                guard fd >= 0 else { return }
                defer { close(fd) }
                var c = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&c, 1, 10_000) > 0 else { return }
                var buf = [UInt8](repeating: 0, count: 1024)
                let n = recv(fd, &buf, buf.count, 0)
                received.withLock { $0 = Array(buf[..<max(n, 0)]) }
                let header: [UInt8] = Array("AMQP".utf8) + [0, 0, 9, 1]
                _ = send(fd, header, header.count, Int32(MSG_NOSIGNAL))
            }
            thread.start()
        }
    }

    @Test func tlsToAPlainListenerFailsWithATLSError() throws {
        let port = try PlainAMQPPort()
        var failure: AMQPError?
        do {
            let c = try AMQPConnection(url: AMQPURL("amqps://guest:guest@127.0.0.1:\(port.listener.port)/")!, connectTimeoutMillis: 5000)
            c.close()
        } catch {
            failure = error
        }
        #expect(port.done.wait(timeout: .now() + 15) == .success, "the listener thread never finished")
        let sent = try #require(port.received.withLock { $0 }, "the client never connected to the listener")
        // A TLS record of type handshake (22), version 3.x: a ClientHello, not "AMQP\0\0\t\1".
        #expect(sent.count >= 3 && sent[0] == 0x16 && sent[1] == 0x03, "the client did not start TLS: \(sent.prefix(8))")
        let error = try #require(failure, "an amqps connection to a plain port succeeded")
        #expect(error.description.contains("SSL"), "not a TLS failure: \(error)")
        #expect(error.isUnavailable)
    }
}
