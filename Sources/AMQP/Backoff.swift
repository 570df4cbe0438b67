/// Reconnect delays shared by the publisher and the consumer: exponential from `initialMillis`
/// up to `maxMillis`, with "equal jitter" (half the step fixed, half random). A fleet that lost
/// its broker therefore does not reconnect in lock-step when it comes back, and no process waits
/// less than half its step.
public struct Backoff: Sendable {
    public var initialMillis: UInt32
    public var maxMillis: UInt32
    private var step: UInt32

    public init(initialMillis: UInt32 = 100, maxMillis: UInt32 = 5000) {
        precondition(initialMillis > 0 && maxMillis >= initialMillis, "backoff bounds")
        self.initialMillis = initialMillis
        self.maxMillis = maxMillis
        step = initialMillis
    }

    /// The delay before the next attempt, in `[step/2, step]`; doubles the step up to the cap.
    public mutating func next<R: RandomNumberGenerator>(using rng: inout R) -> UInt32 {
        let half = step / 2
        let delay = half + UInt32.random(in: 0...(step - half), using: &rng)
        step = step > maxMillis / 2 ? maxMillis : step * 2
        return delay
    }

    /// The delay before the next attempt, from the system's random source.
    public mutating func next() -> UInt32 {
        var rng = SystemRandomNumberGenerator()
        return next(using: &rng)
    }

    /// Connected again: the next failure starts from `initialMillis`.
    public mutating func reset() { step = initialMillis }
}
