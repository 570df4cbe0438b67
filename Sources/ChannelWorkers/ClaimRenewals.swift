import Foundation
import Synchronization

/// One renewal loop for every delivery claim a worker holds, instead of a timer task per
/// message: while any claim is held, every `every` the loop renews them all at once (one Redis
/// pipeline); with none held it ends, and the next claim starts it again. A claim is first
/// renewed at most `every` after it was taken, as a per-message timer did.
final class ClaimRenewals: Sendable {
    private struct State {
        var held: [String: String] = [:]
        var looping = false
    }

    private let state = Mutex(State())
    private let every: Duration
    private let renew: @Sendable ([(key: String, token: String)]) async -> Void

    /// `renew` extends the claims it is given (those still held; a failure is the loop's next try).
    init(every: Duration, renew: @escaping @Sendable ([(key: String, token: String)]) async -> Void) {
        self.every = every
        self.renew = renew
    }

    /// Keeps the claim `key` (with its `token`) alive until `release(key)`.
    func hold(_ key: String, token: String) {
        let start = state.withLock { s -> Bool in
            s.held[key] = token
            guard !s.looping else { return false }
            s.looping = true
            return true
        }
        if start { Task { await loop() } }
    }

    func release(_ key: String) {
        state.withLock { _ = $0.held.removeValue(forKey: key) }
    }

    /// The claims held now (tests).
    var count: Int { state.withLock { $0.held.count } }

    /// Whether the loop runs (tests: it ends once nothing is held).
    var isLooping: Bool { state.withLock { $0.looping } }

    private func loop() async {
        while true {
            try? await Task.sleep(for: every)
            let held = state.withLock { s -> [(key: String, token: String)]? in
                guard !s.held.isEmpty else {
                    s.looping = false
                    return nil
                }
                return s.held.map { (key: $0.key, token: $0.value) }
            }
            guard let held else { return }
            await renew(held)
        }
    }
}
