import Foundation

/// A self-pipe: other threads `signal()` a thread that is sleeping in `poll()` on the socket.
final class Wakeup: @unchecked Sendable {
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "pipe() failed: \(errno)")
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func signal() {
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)  // EAGAIN means a wake-up is already pending: fine.
    }

    func drain() {
        var buf = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buf, buf.count) > 0 {}
    }

    /// Sleeps until the socket is readable, a wake-up arrives, or `timeoutMillis` passes.
    /// Returns `true` when the socket is readable.
    func wait(socket: Int32, timeoutMillis: Int32) -> Bool {
        var fds = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, 2, timeoutMillis)
        if n > 0 && fds[1].revents != 0 { drain() }
        return n > 0 && fds[0].revents != 0
    }
}
