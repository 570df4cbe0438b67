import AlertCore
import Foundation
import Synchronization

/// JSON lines on stdout, one object per event, written at once (no buffering), so
/// `kubectl logs` and `nohup` show each line as it happens.
public struct Logger: Sendable {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warning, error
        var rank: Int {
            switch self {
            case .debug: 0;
            case .info: 1;
            case .warning: 2;
            case .error: 3
            }
        }
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    /// Where lines go; tests capture them.
    public final class Sink: Sendable {
        private let write: @Sendable ([UInt8]) -> Void
        public init(_ write: @escaping @Sendable ([UInt8]) -> Void) { self.write = write }
        public static let stdout = Sink { bytes in
            bytes.withUnsafeBytes { buf in
                var off = 0
                while off < buf.count {
                    let n = Foundation.write(1, buf.baseAddress! + off, buf.count - off)
                    if n <= 0 { if errno == EINTR { continue }; return }
                    off += n
                }
            }
        }
        func emit(_ bytes: [UInt8]) { write(bytes) }
    }

    public var process: String
    public var metadata: [String: String]
    public var minimum: Level
    let sink: Sink

    public init(process: String, metadata: [String: String] = [:], minimum: Level = .info, sink: Sink = .stdout) {
        self.process = process
        self.metadata = metadata
        self.minimum = minimum
        self.sink = sink
    }

    /// A logger that adds `extra` to every line.
    public func with(_ extra: [String: String]) -> Logger {
        var l = self
        l.metadata.merge(extra) { _, new in new }
        return l
    }

    public func debug(_ msg: String, _ extra: [String: String] = [:]) { log(.debug, msg, extra) }
    public func info(_ msg: String, _ extra: [String: String] = [:]) { log(.info, msg, extra) }
    public func warning(_ msg: String, _ extra: [String: String] = [:]) { log(.warning, msg, extra) }
    public func error(_ msg: String, _ extra: [String: String] = [:]) { log(.error, msg, extra) }

    public func log(_ level: Level, _ msg: String, _ extra: [String: String]) {
        guard level >= minimum else { return }
        var fields = metadata
        fields.merge(extra) { _, new in new }
        fields["ts"] = Timestamps.format(Date())  // UTC, milliseconds; Foundation's style reads /etc/localtime per call
        fields["level"] = level.rawValue
        fields["msg"] = msg
        fields["process"] = process
        var line: [UInt8]
        if fields.keys.allSatisfy(JSONObjectWriter.sortsLikeBytes) {
            // The same bytes as JSONSerialization below (a test compares them), for a tenth of
            // the cost: a line per mail was a tenth of klaxon-email's CPU.
            line = JSONObjectWriter.write(fields)
        } else {
            line = Array((try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
        }
        line.append(0x0A)
        sink.emit(line)
    }
}

/// Logs a repeated error once per distinct message, and again at most every `interval`
/// (a broker down for an hour must not write a million identical lines).
public final class RateLimitedLog: Sendable {
    private let state = Mutex<(last: String, at: UInt64, suppressed: Int)>(("", 0, 0))
    private let intervalNanos: UInt64
    public init(intervalSeconds: Double = 30) { intervalNanos = UInt64(intervalSeconds * 1e9) }

    /// Returns how many identical messages were suppressed since the last one logged, or `nil`
    /// when this one should be suppressed. Called from many threads at once: the clock is read
    /// under the lock, and compared without subtracting (read before the lock, another thread's
    /// later `at` made `now - at` trap on overflow: a dedup worker crashed when Redis went down
    /// under concurrent batches).
    public func shouldLog(_ message: String, clock: () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) -> Int? {
        state.withLock { s in
            let now = clock()
            if s.last != message || now >= s.at &+ intervalNanos {
                let n = s.suppressed
                s = (message, now, 0)
                return n
            }
            s.suppressed += 1
            return nil
        }
    }
}
