import EscalatorStore
import Foundation
import Testing

/// Replicas claiming the same timers at once, each over its own connection.
@Suite struct ConcurrentClaimTests {
    @Test func concurrentClaimersGetDisjointSetsCoveringEveryDueTimerOnce() async throws {
        try await StoreHarness.run(replicas: 2) { h in
            let due = (0..<500).map { "due-\($0)" }
            let later = (0..<20).map { "later-\($0)" }
            for (i, id) in due.enumerated() { try await h.timers.schedule(id, at: t0.plus(ms: Int64(-i))) }
            for id in later { try await h.timers.schedule(id, at: t0.plus(ms: 1)) }

            let claims = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
                for replica in 0..<2 {
                    let timers = h.timers(replica: replica)
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await timers.claimDue(now: t0, limit: 3, leaseMillis: 60_000, owner: "r\(replica)")
                            if batch.isEmpty { break }
                            mine += batch
                        }
                        return ("r\(replica)", mine)
                    }
                }
                var all: [String: [String]] = [:]
                for try await (owner, ids) in group { all[owner] = ids }
                return all
            }

            let a = claims["r0"] ?? []
            let b = claims["r1"] ?? []
            #expect(Set(a).isDisjoint(with: b), "a timer went to both replicas")
            #expect(a.count + b.count == due.count, "each due timer is claimed exactly once")
            #expect(Set(a).union(b) == Set(due))
            for id in a.prefix(5) { #expect(try await h.leaseOwner(id) == "r0") }
            for id in b.prefix(5) { #expect(try await h.leaseOwner(id) == "r1") }
            #expect(try await h.timers.claimDue(now: t0.plus(ms: 1), limit: 100, leaseMillis: 60_000, owner: "r0").sorted() == later.sorted())
        }
    }
}
