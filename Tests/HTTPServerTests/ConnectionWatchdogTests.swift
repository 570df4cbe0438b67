import Foundation
@testable import HTTPServer
import Synchronization
import Testing

/// The watchdog's sweep on its own, with the clock in the test's hands.
@Suite struct ConnectionWatchdogTests {
    final class Cuts: Sendable { let count = Atomic<Int>(0) }

    /// A socket pair: the watchdog cuts with shutdown(2), which needs a real socket.
    static func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (fds[0], fds[1])
    }

    @Test func aConnectionAnsweredWhileTheSweepStartsIsNotCut() {
        // The sweep's clock reads a moment before the connection's last answer: the difference
        // is negative, not an eternity.
        let cuts = Cuts()
        let dog = ConnectionWatchdog(timeoutSeconds: 30) { n in cuts.count.add(n, ordering: .relaxed) }
        let (a, b) = Self.socketPair()
        defer { close(a); close(b) }
        dog.opened(1, fd: a)
        let answered = ConnectionWatchdog.now()
        dog.idle(1)
        dog.sweep(clock: { answered - 1_000 })
        #expect(cuts.count.load(ordering: .relaxed) == 0)
    }

    @Test func onlyConnectionsIdlePastTheTimeoutAreCut() {
        let cuts = Cuts()
        let dog = ConnectionWatchdog(timeoutSeconds: 30) { n in cuts.count.add(n, ordering: .relaxed) }
        let (a, b) = Self.socketPair(), (c, d) = Self.socketPair()
        defer { [a, b, c, d].forEach { close($0) } }
        let start = ConnectionWatchdog.now()
        dog.opened(1, fd: a)
        dog.opened(2, fd: c)
        dog.busy(2)  // the handler owns its request: the clock stops
        dog.sweep(clock: { start + 29_000_000_000 })
        #expect(cuts.count.load(ordering: .relaxed) == 0)
        dog.sweep(clock: { start + 31_000_000_000 })
        #expect(cuts.count.load(ordering: .relaxed) == 1)
        var byte: UInt8 = 0
        #expect(read(b, &byte, 1) == 0, "the late connection was shut down (its peer reads EOF)")
        dog.sweep(clock: { start + 60_000_000_000 })
        #expect(cuts.count.load(ordering: .relaxed) == 1, "a connection is cut once; a busy one never")
    }
}
