import AlertCore
import Foundation
import Testing

@Suite struct TimestampAndIDTests {
    @Test func formatMatchesFoundationEverywhere() {
        var rng = RandomizedInputTests.Rng(state: 0x7135)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.5),  // 2000-02-29
                     Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSince1970: 1_700_000_000.0005)]
        for _ in 0..<5000 { dates.append(Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &rng)) / 1000)) }
        for d in dates {
            #expect(Timestamps.format(d) == d.formatted(style), "\(d.timeIntervalSince1970)")
        }
    }

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
}

@Suite struct TrimmingTests {
    @Test(arguments: [("  a b  ", "a b"), ("\t\nx\r\n", "x"), ("", ""), ("   ", ""), ("磁 盘", "磁 盘"), ("\u{3000}全角\u{3000}", "全角"), ("a", "a")])
    func trimsLikeFoundation(input: String, expected: String) {
        #expect(input.trimmingWhitespace() == expected)
        #expect(input.trimmingWhitespace() == input.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(input.isBlank == expected.isEmpty)
    }
}

@Suite struct AlertIDConcurrencyTests {
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
