import Foundation
import Testing
import WorkerKit

/// Alert ids: version 4 UUIDs from a shared pool of kernel randomness (I/O, so outside the pure core).
@Suite struct AlertIDTests {
    @Test func alertIDsAreVersion4UUIDs() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let id = AlertID.make()
            #expect(id.count == 36)
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
            let chars = Array(id)
            #expect(chars[14] == "4", "version nibble: \(id)")
            #expect("89ab".contains(chars[19]), "variant: \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 2000)
    }

    /// The random pool is shared: ids made on several threads at once, across many refills of
    /// the pool, are still all different and all well formed.
    @Test func idsFromManyThreadsAreDistinct() async {
        let ids = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<3000).map { _ in AlertID.make() } } }
            var all: [String] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(ids).count == 12_000)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && $0.count == 36 })
    }
}
