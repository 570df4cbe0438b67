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

    static let pieces = [
        "a", "Z", "_", "-", ".", "10", "2", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\n", "\u{b}",
        "\u{c}", "\r", "\u{1a}", "\u{1f}", "\u{7f}", "é", "ä", "磁盘", "Диск", "😀", "\u{2028}", " ", "=", "{", "}",
    ]

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
            let a = Alert(
                id: Self.text(&rng), source: Self.text(&rng), integration: Self.text(&rng),
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

/// The fast alert decoder against JSONDecoder: same value when it answers, and it answers nil
/// (deferring to JSONDecoder) on everything JSONDecoder rejects.
@Suite struct AlertFastDecodeTests {
    @Test func agreesWithJSONDecoderOnRandomAndMutatedAlerts() {
        var rng = RandomizedInputTests.Rng(state: 0xDEC0DE)
        let alphabet = Array(#"{}[]",:0123456789.-eEtrufalsn \"\\/磁"#.utf8)
        var fastHits = 0
        for i in 0..<4000 {
            let a = Alert(
                id: AlertJSONTests.text(&rng), source: "alertmanager", integration: AlertJSONTests.text(&rng),
                status: Bool.random(using: &rng) ? .firing : .resolved, fingerprint: AlertJSONTests.text(&rng),
                title: AlertJSONTests.text(&rng), message: AlertJSONTests.text(&rng), severity: "critical",
                labels: AlertJSONTests.map(&rng), annotations: AlertJSONTests.map(&rng), startsAt: "2026-01-01T00:00:00Z",
                endsAt: Bool.random(using: &rng) ? "2026-01-01T01:00:00Z" : nil, receivedAt: "2026-01-01T00:00:01Z",
                links: [AlertLink(title: "Source", url: AlertJSONTests.text(&rng))], fields: AlertJSONTests.map(&rng),
                suppressedRepeats: Bool.random(using: &rng) ? 3 : nil)
            var bytes = a.jsonBytes()
            if i % 2 == 1 {  // half of them damaged: flips, insertions, deletions
                for _ in 0..<Int.random(in: 1..<4, using: &rng) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                    case 1: bytes.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: at)
                    default: bytes.remove(at: at)
                    }
                }
            }
            let reference = try? JSONDecoder().decode(Alert.self, from: Data(bytes))
            if let fast = Alert.fastDecode(bytes) {
                fastHits += 1
                #expect(fast == reference, "case \(i): \(String(decoding: bytes, as: UTF8.self))")
            }
            #expect((try? Codec.decode(Alert.self, from: bytes)) == reference, "case \(i)")
            if i % 2 == 0 { #expect(Alert.fastDecode(bytes) == a, "case \(i): an undamaged alert takes the fast path") }
        }
        #expect(fastHits >= 2000)
    }

    @Test func integralNumbersAsJSONDecoderReadsThem() {
        let base = String(decoding: alert(["a": "b"]).jsonBytes(), as: UTF8.self)
        for (v, expected) in [("1.0", 1), ("1e0", 1), ("1", 1)] {
            let bytes = Array(base.replacingOccurrences(of: "\"v\":1}", with: "\"v\":\(v)}").utf8)
            #expect(Alert.fastDecode(bytes)?.v == expected)
            #expect((try? JSONDecoder().decode(Alert.self, from: Data(bytes)))?.v == expected)
        }
        let bad = Array(base.replacingOccurrences(of: "\"v\":1}", with: "\"v\":1.5}").utf8)
        #expect(Alert.fastDecode(bad) == nil)
        #expect((try? Codec.decode(Alert.self, from: bad)) == nil)
    }
}
