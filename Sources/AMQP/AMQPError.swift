/// A broker failure. Public as a struct around a private enum so cases can grow.
public struct AMQPError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        /// TCP connect, login or socket failure: the broker is unreachable.
        case unreachable(String)
        /// The broker closed the channel or connection (e.g. PRECONDITION_FAILED, NOT_FOUND).
        case closedByBroker(code: Int, text: String)
        /// The broker refused a publish (basic.nack).
        case nacked
        /// A mandatory publish matched no queue; the broker returned it (nothing was stored).
        case unroutable(String)
        /// No confirm arrived within the deadline; the message may or may not be stored.
        case confirmTimeout
        /// The process is stopping.
        case shuttingDown
        case library(String)
    }
    let code: Code

    init(_ code: Code) { self.code = code }

    /// The broker cannot be reached (`isUnavailable`): what a publish gets while it is down.
    /// For fakes and tests; the adapter builds its errors itself.
    public static func unreachable(_ reason: String) -> AMQPError { AMQPError(.unreachable(reason)) }

    /// A mandatory publish no queue took (`isUnroutable`). For fakes and tests.
    public static func unroutable(_ reason: String) -> AMQPError { AMQPError(.unroutable(reason)) }

    public var description: String {
        switch code {
        case .unreachable(let s): "broker unreachable: \(s)"
        case .closedByBroker(let c, let t): "broker closed the channel (\(c)): \(t)"
        case .nacked: "broker refused the message (nack)"
        case .unroutable(let s): "no queue is bound for the message: \(s)"
        case .confirmTimeout: "no publisher confirm within the deadline"
        case .shuttingDown: "shutting down"
        case .library(let s): "AMQP error: \(s)"
        }
    }

    /// `true` when the broker is down or the connection broke: answer 503, retry later.
    public var isUnavailable: Bool {
        switch code {
        case .unreachable, .confirmTimeout, .shuttingDown, .library: true
        case .closedByBroker, .nacked, .unroutable: false
        }
    }

    /// `true` when the broker refused a publish (basic.nack): it did not store it.
    public var isNacked: Bool {
        if case .nacked = code { return true }
        return false
    }

    /// `true` when a mandatory publish was returned: no queue is bound to its routing key.
    public var isUnroutable: Bool {
        if case .unroutable = code { return true }
        return false
    }

    var isShuttingDown: Bool {
        if case .shuttingDown = code { return true }
        return false
    }

    /// `true` when the named queue or exchange does not exist (404 NOT_FOUND).
    public var isNotFound: Bool {
        if case .closedByBroker(let c, _) = code { return c == 404 }
        return false
    }
}
