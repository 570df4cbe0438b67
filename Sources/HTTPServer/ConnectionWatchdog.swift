import Foundation
import Synchronization

/// Cuts connections that take too long to deliver a request or to take a response.
/// libmicrohttpd's own connection timeout counts *inactivity*, so a client trickling one header
/// byte per second would hold a connection (and a slot of `maxConnections`) forever. Here each
/// connection must deliver a complete request within `timeoutSeconds` of opening or of its
/// previous response, and read its response within `timeoutSeconds` of the handler's answer;
/// while the handler owns a request (`busy`), the clock stops. A late connection is
/// `shutdown(2)`, and libmicrohttpd then closes it itself on its next read. libmicrohttpd's own
/// timeout is set longer, as a backstop, so the cuts (idle ones included) are this one's and
/// every one is reported through `onCut`.
final class ConnectionWatchdog: Sendable {
    private struct Entry {
        var fd: Int32
        var since: UInt64
        var busy = false
        var cut = false
    }

    private let entries = Mutex<[Int: Entry]>([:])
    private let timeoutNanos: UInt64
    private let running = Atomic<Bool>(false)
    /// Told how many connections a sweep cut (the server's `Event.connectionCut`).
    private let onCut: @Sendable (Int) -> Void

    init(timeoutSeconds: Int, onCut: @escaping @Sendable (Int) -> Void = { _ in }) {
        timeoutNanos = UInt64(max(1, timeoutSeconds)) * 1_000_000_000
        self.onCut = onCut
    }

    func start() {
        running.store(true, ordering: .releasing)
        let tick = UInt32(min(1_000_000, max(50_000, Int(timeoutNanos / 8_000))))
        let t = Thread { [self] in
            while running.load(ordering: .acquiring) {
                usleep(tick)
                sweep()
            }
        }
        t.name = "http-watchdog"
        t.start()
    }

    func stop() { running.store(false, ordering: .releasing) }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    func opened(_ key: Int, fd: Int32) {
        let now = Self.now()
        entries.withLock { $0[key] = Entry(fd: fd, since: now) }
    }

    /// Called by libmicrohttpd before it closes the socket: after this the fd may be reused, and
    /// because `sweep` shuts sockets down under the same lock, it never touches a reused fd.
    func closed(_ key: Int) { _ = entries.withLock { $0.removeValue(forKey: key) } }

    func busy(_ key: Int) { entries.withLock { $0[key]?.busy = true } }

    func idle(_ key: Int) {
        let now = Self.now()
        entries.withLock { e in
            e[key]?.busy = false
            e[key]?.since = now
        }
    }

    /// True while any open connection has bytes the server has not read yet: a request that
    /// arrived before a shutdown but is not parsed yet (draining waits for it).
    func anyUnreadInput() -> Bool {
        entries.withLock { e in
            for v in e.values where !v.cut && v.fd >= 0 {
                var n: Int32 = 0
                if ioctl(v.fd, UInt(FIONREAD), &n) == 0 && n > 0 { return true }
            }
            return false
        }
    }

    /// Cuts every late connection. The clock is read under the lock: read before it, a
    /// connection answered meanwhile could have a `since` later than `now`, and the wrapping
    /// difference then looked like an eternity (active connections were cut under load).
    func sweep(clock: () -> UInt64 = ConnectionWatchdog.now) {
        let n = entries.withLock { e -> Int in
            let now = clock()
            var n = 0
            for (k, v) in e where !v.busy && !v.cut && v.fd >= 0 && now > v.since && now - v.since > timeoutNanos {
                _ = shutdown(v.fd, Int32(SHUT_RDWR))
                e[k]?.cut = true
                n += 1
            }
            return n
        }
        if n > 0 { onCut(n) }
    }
}
