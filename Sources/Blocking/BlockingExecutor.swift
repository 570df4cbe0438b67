import Foundation
import Synchronization

/// A fixed set of dedicated threads for blocking C calls (`curl_easy_perform`, `redisCommandArgv`),
/// so they never occupy Swift's cooperative pool (2 threads on a 2-core machine).
///
/// Each thread may own per-thread state (a curl handle, a Redis context): `run` hands the job the
/// index of the thread it runs on, so callers keep one resource per index.
public final class BlockingExecutor: Sendable {
    private struct Job: @unchecked Sendable { let work: (Int) -> Void }
    private struct State {
        /// Waiting jobs from `head` on; a taken job's slot is nil, so its closure (and what it
        /// captured: a whole mail, a continuation) is released as soon as a thread takes it.
        /// Before, taken jobs stayed in the array until 1,024 had piled up: behind a 2 s SMTP
        /// server, klaxon-email kept ~7 KiB per mail sent, up to 1,024 mails (bench/slow-smtp).
        var jobs: [Job?] = []
        var head = 0
        var stopped = false
    }
    private let state = Mutex(State())
    private let condition = NSCondition()
    public let threadCount: Int

    /// Starts `threads` threads named `name-N`.
    public init(name: String, threads: Int) {
        precondition(threads > 0)
        threadCount = threads
        for i in 0..<threads {
            let t = Thread { [self] in loop(index: i) }
            t.name = "\(name)-\(i)"
            t.start()
        }
    }

    private func loop(index: Int) {
        while true {
            condition.lock()
            var job: Job? = nil
            while job == nil {
                let (next, stopped) = state.withLock { s -> (Job?, Bool) in
                    if s.head < s.jobs.count {
                        let j = s.jobs[s.head]
                        s.jobs[s.head] = nil
                        s.head += 1
                        if s.head == s.jobs.count {
                            s.jobs.removeAll(keepingCapacity: true)
                            s.head = 0
                        } else if s.head > 1024 && s.head * 2 > s.jobs.count {
                            s.jobs.removeFirst(s.head)
                            s.head = 0
                        }
                        return (j, false)
                    }
                    return (nil, s.stopped)
                }
                if let next { job = next; break }
                if stopped { condition.unlock(); return }
                condition.wait()
            }
            condition.unlock()
            job!.work(index)
        }
    }

    /// The executor was shut down: nothing runs any more.
    public struct Stopped: Error, CustomStringConvertible {
        public var description: String { "the blocking executor was shut down" }
    }

    /// Runs `body` on one of the threads and returns its result. The body gets the thread index.
    /// Throws `Stopped` after `shutdown()` (rather than waiting forever for a thread that left).
    public func run<T: Sendable>(_ body: @escaping @Sendable (Int) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            if !submit({ i in c.resume(with: Result { try body(i) }) }) { c.resume(throwing: Stopped()) }
        }
    }

    /// Queues `work` without waiting for it; false (and `work` never runs) after `shutdown()`.
    @discardableResult
    public func submit(_ work: @escaping @Sendable (Int) -> Void) -> Bool {
        condition.lock()
        let accepted = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.jobs.append(Job(work: work))
            return true
        }
        condition.signal()
        condition.unlock()
        return accepted
    }

    /// Lets the threads exit once the queued jobs are done.
    public func shutdown() {
        condition.lock()
        state.withLock { $0.stopped = true }
        condition.broadcast()
        condition.unlock()
    }
}
