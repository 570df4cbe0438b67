@testable import AlertCore
import Foundation
import Testing

/// `Alert.jsonBytes` must write exactly what JSONEncoder writes: random alerts full of quotes,
/// backslashes, control characters, slashes, CJK, Cyrillic and emoji, keys in every order.
@Suite struct AlertJSONTests {
    static func reference(_ a: Alert) -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! Array(e.encode(a))
    }

    static let pieces = ["a", "Z", "_", "-", ".", "10", "2", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\n", "\u{b}",
                         "\u{c}", "\r", "\u{1a}", "\u{1f}", "\u{7f}", "é", "ä", "磁盘", "Диск", "😀", "\u{2028}", " ", "=", "{", "}"]

    static func text(_ rng: inout RandomizedInputTests.Rng) -> String {
        (0..<Int.random(in: 0..<8, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
    }

    static func map(_ rng: inout RandomizedInputTests.Rng) -> [String: String] {
        var m: [String: String] = [:]
        for _ in 0..<Int.random(in: 0..<6, using: &rng) { m[text(&rng)] = text(&rng) }
        return m
    }

    @Test func byteForByteTheSameAsJSONEncoder() throws {
        var rng = RandomizedInputTests.Rng(state: 0xA1E7)
        for i in 0..<3000 {
            let a = Alert(id: Self.text(&rng), source: Self.text(&rng), integration: Self.text(&rng),
                          status: Bool.random(using: &rng) ? .firing : .resolved, fingerprint: Self.text(&rng), title: Self.text(&rng),
                          message: Self.text(&rng), severity: Self.text(&rng), labels: Self.map(&rng), annotations: Self.map(&rng),
                          startsAt: Self.text(&rng), endsAt: Bool.random(using: &rng) ? Self.text(&rng) : nil, receivedAt: Self.text(&rng),
                          links: (0..<Int.random(in: 0..<3, using: &rng)).map { _ in AlertLink(title: Self.text(&rng), url: Self.text(&rng)) },
                          fields: Self.map(&rng), suppressedRepeats: Bool.random(using: &rng) ? Int.random(in: 0...100_000, using: &rng) : nil)
            let fast = a.jsonBytes()
            #expect(fast == Self.reference(a), "case \(i): \(String(decoding: fast, as: UTF8.self))")
            #expect(try Codec.decode(Alert.self, from: fast) == a)
        }
    }

    @Test func codecUsesTheDirectWriterForAlerts() {
        let a = alert(["alertname": "x"])
        #expect(Codec.encode(a) == a.jsonBytes())
        #expect(Codec.encode(a) == Self.reference(a))
    }
}
