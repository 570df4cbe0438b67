/// What a consumer does with a message once its handler returned.
public enum Disposition: Sendable, Equatable {
    /// Done (delivered, forwarded, or deliberately suppressed).
    case ack
    /// Republish to the delay queue of `delayMillis`; it comes back as attempt `attempt + 1`.
    case retry(delayMillis: Int64)
    /// Republish to the delay queue of `delayMillis` without counting an attempt: the message
    /// did not fail, it waits its turn (another sender holds its notification right now).
    case wait(delayMillis: Int64)
    /// Give up: publish to the dead-letter queue with the reason, then ack.
    case deadLetter(reason: String)
}

/// Bounded exponential backoff: the delays are the config's `delivery.retry_delays`.
public struct RetryPolicy: Sendable, Equatable {
    public var delaysMillis: [Int64]
    public init(delaysMillis: [Int64]) { self.delaysMillis = delaysMillis }

    /// Pure decision for one handler result. `attempt` counts from 1 (the first try).
    public func decide(_ result: Result<Void, DeliveryError>, attempt: Int) -> Disposition {
        switch result {
        case .success:
            return .ack
        case .failure(let e) where e.kind == .permanent:
            return .deadLetter(reason: e.description)
        case .failure(let e) where e.reason == .inProgress:
            // Not a failure of this copy: come back after the shortest delay, as often as it takes
            // (the holder's claim ends with its send, or at its TTL if it crashed).
            guard let shortest = delaysMillis.min() else { return .deadLetter(reason: "no retry delay configured to wait on; \(e.description)") }
            return .wait(delayMillis: shortest)
        case .failure(let e):
            guard attempt >= 1, attempt <= delaysMillis.count else {
                return .deadLetter(reason: "gave up after \(attempt) attempts; last error: \(e.description)")
            }
            return .retry(delayMillis: delaysMillis[attempt - 1])
        }
    }
}
