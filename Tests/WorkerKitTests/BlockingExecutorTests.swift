import Blocking
import Foundation
import Testing

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
}
