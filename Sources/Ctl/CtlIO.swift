import Foundation
import Synchronization

/// Where `klaxonctl` writes: standard output for results, standard error for problems. Each
/// call writes whole lines at once, unbuffered, so a script (or a test reading a killed
/// `replay`) sees every line the moment it is printed. Tests capture both in memory.
public final class CtlIO: Sendable {
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        writeOut = out
        writeErr = err
    }

    /// Writes one line (a newline is added) to standard output.
    public func out(_ line: String) { writeOut(line + "\n") }
    /// Writes one line (a newline is added) to standard error.
    public func err(_ line: String) { writeErr(line + "\n") }

    /// The process's file descriptors 1 and 2, written with `write(2)` (no stdio buffer).
    public static let standard = CtlIO(out: { writeAll(1, $0) }, err: { writeAll(2, $0) })

    /// An `CtlIO` that keeps everything written, for tests.
    public static func capture() -> (CtlIO, CapturedOutput) {
        let c = CapturedOutput()
        return (CtlIO(out: { c.append(out: $0) }, err: { c.append(err: $0) }), c)
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}

/// What a captured `CtlIO` received.
public final class CapturedOutput: Sendable {
    private let state = Mutex((out: "", err: ""))
    public init() {}
    public var stdout: String { state.withLock { $0.out } }
    public var stderr: String { state.withLock { $0.err } }
    /// Standard output split into lines, without empty ones.
    public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    func append(out s: String) { state.withLock { $0.out += s } }
    func append(err s: String) { state.withLock { $0.err += s } }
}
