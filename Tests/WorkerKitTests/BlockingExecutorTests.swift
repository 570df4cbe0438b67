import Blocking
import Foundation
import Testing
import TestSupport

/// `BlockingExecutor`: work runs on its threads; after `shutdown()` a call fails at once instead
/// of waiting forever (a worker's timer loop outliving its Redis connection hung SIGTERM).
@Suite struct BlockingExecutorTests {
    @Test func runsWorkAndFailsFastOnceShutDown() async throws {
        let executor = BlockingExecutor(name: "test", threads: 2)
        #expect(try await executor.run { i in i < 2 })
        executor.shutdown()
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: BlockingExecutor.Stopped.self) { try await executor.run { _ in 1 } }
        #expect(!executor.submit { _ in })
    }

    final class Payload: Sendable {}

    /// A job's closure, and what it captured, is released once the job ran: the queue keeps no
    /// taken job. (It kept up to 1,024 of them: every mail klaxon-email sent, until then.)
    @Test func forgetsAJobOnceItRan() async throws {
        let executor = BlockingExecutor(name: "test", threads: 2)
        defer { executor.shutdown() }
        weak var seen: Payload?
        for _ in 0..<10 {
            let payload = Payload()
            seen = payload
            _ = try await executor.run { _ in withExtendedLifetime(payload) { 1 } }
        }
        // The thread drops its own reference right after the job returns.
        #expect(await eventually(seconds: 5) { seen == nil }, "the executor still holds a job that ran")
    }
}
