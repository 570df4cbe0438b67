import AlertCore
import Foundation
import Testing

@Suite struct TimestampAndIDTests {
    @Test func formatMatchesFoundationEverywhere() {
        var rng = RandomizedInputTests.Rng(state: 0x7135)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.5),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSince1970: 1_700_000_000.0005),
        ]
        for _ in 0..<5000 { dates.append(Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &rng)) / 1000)) }
        for d in dates {
            #expect(Timestamps.format(d) == d.formatted(style), "\(d.timeIntervalSince1970)")
        }
    }

    /// The Foundation parser `Timestamps.parse` used before it read through `RFC3339Time`: the
    /// reference the arithmetic one must agree with.
    static func foundationParse(_ text: String) -> Date? {
        var s = Substring(text)
        if let dot = s.firstIndex(of: ".") {
            let fracEnd = s[s.index(after: dot)...].firstIndex(where: { !$0.isNumber }) ?? s.endIndex
            let digits = s[s.index(after: dot)..<fracEnd]
            let ms = String(digits.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)
            s = s[..<dot] + "." + ms + s[fracEnd...]
        } else if let t = s.firstIndex(of: "T") {
            let zoneStart = s[t...].firstIndex(where: { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" }) ?? s.endIndex
            s = s[..<zoneStart] + ".000" + s[zoneStart...]
        }
        return try? Date(String(s), strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    @Test func parseMatchesFoundationToTheMillisecond() {
        var rng = RandomizedInputTests.Rng(state: 0x3339)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        for _ in 0..<5000 {
            let seconds = Int64.random(in: 0...4_102_444_800, using: &rng)
            // Printed in UTC, then given a random offset by moving the wall clock by it.
            let offsetMinutes = [0, 0, 60, -300, 330, 480, 545, -720, 840].randomElement(using: &rng)!
            let wall = Date(timeIntervalSince1970: TimeInterval(seconds + Int64(offsetMinutes) * 60)).formatted(style)
            let fraction = String((0..<Int.random(in: 0...9, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let zone =
                offsetMinutes == 0 && Bool.random(using: &rng)
                ? "Z"
                : String(format: "%@%02d:%02d", offsetMinutes < 0 ? "-" : "+", abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
            let text = wall.dropLast() + (fraction.isEmpty ? "" : "." + fraction) + zone
            let ours = Timestamps.parse(String(text)), theirs = Self.foundationParse(String(text))
            #expect(ours != nil && theirs != nil, "\(text)")
            if let ours, let theirs {
                #expect(Int64((ours.timeIntervalSince1970 * 1000).rounded()) == Int64((theirs.timeIntervalSince1970 * 1000).rounded()), "\(text)")
            }
        }
    }

    @Test(arguments: [
        "", "2026-01-02", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-02T10:00:00", "2026-01-02T10:00:00.Z",
        "2026-01-02T25:00:00Z", "2026.01.02 10:00:00", "1700000000", "2026-01-02T10:00:00+0200",
    ])
    func parseRejectsWhatIsNotRFC3339(_ text: String) {
        #expect(Timestamps.parse(text) == nil)
    }

    @Test func parseKeepsMillisecondsAndAcceptsRFC3339Variants() throws {
        let t = try #require(Timestamps.parse("2026-01-02T08:30:12.123456789+02:00"))
        #expect(Timestamps.format(t) == "2026-01-02T06:30:12.123Z")
        // RFC 3339 allows a lowercase t and z, and a space for the T (its section 5.6 note).
        #expect(Timestamps.parse("2026-01-02t06:30:12.5z") == Timestamps.parse("2026-01-02 06:30:12.500Z"))
        #expect(Timestamps.parse("2026-01-02 06:30:12.500Z").map(Timestamps.format) == "2026-01-02T06:30:12.500Z")
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
