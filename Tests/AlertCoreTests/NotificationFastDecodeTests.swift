@testable import AlertCore
import Foundation
import Testing

/// The fast notification decoder against JSONDecoder: same value when it answers, and `nil`
/// (deferring to JSONDecoder) on everything JSONDecoder rejects. Every channel worker decodes
/// each notification through it.
@Suite struct NotificationFastDecodeTests {
    static func notification(_ rng: inout RandomizedInputTests.Rng) -> AlertNotification {
        let text = { (r: inout RandomizedInputTests.Rng) in AlertJSONTests.text(&r) }
        let a = Alert(
            id: text(&rng), source: "alertmanager", integration: text(&rng), status: Bool.random(using: &rng) ? .firing : .resolved,
            fingerprint: text(&rng), title: text(&rng), message: text(&rng), severity: "critical", labels: AlertJSONTests.map(&rng),
            annotations: AlertJSONTests.map(&rng), startsAt: "2026-01-01T00:00:00Z",
            endsAt: Bool.random(using: &rng) ? "2026-01-01T01:00:00Z" : nil, receivedAt: "2026-01-01T00:00:01Z",
            links: [AlertLink(title: "Source", url: text(&rng))], fields: AlertJSONTests.map(&rng),
            suppressedRepeats: Bool.random(using: &rng) ? 3 : nil)
        let maybe = { (r: inout RandomizedInputTests.Rng) in Bool.random(using: &r) }
        return AlertNotification(
            id: text(&rng), channel: maybe(&rng) ? "email" : text(&rng), recipients: (0..<Int.random(in: 0..<3, using: &rng)).map { _ in text(&rng) },
            route: text(&rng), template: maybe(&rng) ? text(&rng) : nil,
            mentions: maybe(&rng) ? (0..<Int.random(in: 0..<3, using: &rng)).map { _ in text(&rng) } : nil,
            atAll: maybe(&rng) ? maybe(&rng) : nil,
            incident: maybe(&rng) ? IncidentNote(id: text(&rng), kind: "page", text: text(&rng), link: maybe(&rng) ? text(&rng) : nil) : nil,
            alert: a)
    }

    @Test func agreesWithJSONDecoderOnRandomAndMutatedNotifications() {
        var rng = RandomizedInputTests.Rng(state: 0x2071F)
        let alphabet = Array(#"{}[]",:0123456789.-eEtrufalsn \"\\/磁"#.utf8)
        var fastHits = 0
        for i in 0..<4000 {
            let n = Self.notification(&rng)
            var bytes = Codec.encode(n)
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
            let reference = try? JSONDecoder().decode(AlertNotification.self, from: Data(bytes))
            if let fast = AlertNotification.fastDecode(bytes) {
                fastHits += 1
                #expect(fast == reference, "case \(i): \(String(decoding: bytes, as: UTF8.self))")
            }
            #expect((try? Codec.decode(AlertNotification.self, from: bytes)) == reference, "case \(i)")
            if i % 2 == 0 { #expect(AlertNotification.fastDecode(bytes) == n, "case \(i): an undamaged notification takes the fast path") }
        }
        #expect(fastHits >= 2000)
    }

    /// Optional fields as `decodeIfPresent` reads them: absent and null are nil, a wrong type is
    /// an error (left to JSONDecoder, which words it); unknown fields are ignored; version 1
    /// messages (no mentions, no atAll) still read.
    @Test func optionalAndUnknownFields() throws {
        var rng = RandomizedInputTests.Rng(state: 7)
        var n = Self.notification(&rng)
        n.template = nil
        n.mentions = nil
        n.atAll = nil
        n.incident = nil
        let base = String(decoding: Codec.encode(n), as: UTF8.self)
        #expect(!base.contains("\"atAll\""), "nil optionals are omitted")
        func variant(_ extra: String) -> [UInt8] { Array(("{" + extra + "," + base.dropFirst()).utf8) }
        for extra in [#""atAll":null"#, #""template":null,"mentions":null"#, #""incident":null"#, #""unknown":[1,{"x":2}]"#] {
            let bytes = variant(extra)
            let reference = try JSONDecoder().decode(AlertNotification.self, from: Data(bytes))
            #expect(AlertNotification.fastDecode(bytes) == reference, "\(extra)")
        }
        for wrong in [#""atAll":1"#, #""template":3"#, #""mentions":["a",1]"#, #""incident":{"id":"i","kind":"page"}"#] {
            let bytes = variant(wrong)
            #expect(AlertNotification.fastDecode(bytes) == nil, "\(wrong)")
            #expect(throws: PayloadError.self) { try Codec.decode(AlertNotification.self, from: bytes) }
        }
    }

    @Test func deepDocumentsAreLeftToJSONDecoder() {
        let deep = Array((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8)
        #expect(FastJSON.object(deep) == nil)
        #expect(throws: PayloadError.self) { try Codec.decode(AlertNotification.self, from: deep) }
    }
}
