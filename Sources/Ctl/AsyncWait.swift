import Dispatch
import Synchronization

/// Runs async work from `klaxonctl`'s own thread and waits for it. Every verb is synchronous
/// and runs on a thread of its own (never on Swift's cooperative pool), so blocking that thread
/// on a semaphore while the work runs on the pool is safe; calling this from async code is not.
enum AsyncWait {
    /// The result of `body`, run to its end on the cooperative pool.
    static func result<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let r: Result<T, any Error>
            do { r = .success(try await body()) } catch { r = .failure(error) }
            outcome.withLock { $0 = r }
            done.signal()
        }
        done.wait()
        return outcome.withLock { $0 }!
    }
}
