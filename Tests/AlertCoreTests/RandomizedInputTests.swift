@testable import AlertCore
import Foundation
import TestSupport
import Testing

/// Seeded randomized tests of the untrusted-input path: the strict JSON reader must never accept
/// what Foundation's decoder rejects nor disagree with it, no payload shape may crash a
/// normalizer, and a normalizer rejects only the shape its source needs. Seeds are fixed, so a failure reproduces.
@Suite struct RandomizedInputTests {
    /// SplitMix64, seeded so a failure reproduces (`TestSupport`).
    typealias Rng = Fx.Rng

    static let keys = [
        "alerts", "labels", "annotations", "status", "startsAt", "endsAt", "fingerprint", "generatorURL",
        "version", "groupKey", "title", "message", "state", "values", "scopeId", "name", "startTime", "tags",
        "key", "value", "event", "backlog", "fields", "priority", "EVENT.ID", "EVENT.VALUE", "alert_uid",
        "uuid", "recoveryTime", "severity", "truncatedAlerts", "externalURL", "evalMatches", "id0", "id1", "x",
    ]
    static let strings = [
        "firing", "resolved", "ok", "OK", "alerting", "", "0", "1", "2026-01-02T03:04:05Z",
        "0001-01-01T00:00:00Z", "a in b to c in d", "x of y", "磁盘", "Диск", "\u{0}", "\"", "\\", "[com.a.B:42]",
        "http://x/?a=1&b=2", "PROBLEM", "Resolved: disk", "not a date",
    ]

    static func value(_ rng: inout Rng, depth: Int) -> JSONValue {
        let pick = depth > 4 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<7, using: &rng)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number([0, 1, -1, 1.5, 1e15, 1_700_000_000_000, 4, 5, -0.0][Int.random(in: 0..<9, using: &rng)])
        case 3: return .string(strings[Int.random(in: 0..<strings.count, using: &rng)])
        case 4, 5:
            var o: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<6, using: &rng) { o[keys[Int.random(in: 0..<keys.count, using: &rng)]] = value(&rng, depth: depth + 1) }
            return .object(o)
        default:
            return .array((0..<Int.random(in: 0..<4, using: &rng)).map { _ in value(&rng, depth: depth + 1) })
        }
    }

    @Test func readerNeverAcceptsWhatTheDecoderRejectsNorDisagrees() throws {
        var rng = Rng(state: 0x5EED_0001)
        let alphabet = Array(#"{}[]",:0123456789.-+eEtrufalsn \"\\u00ab/磁"#.utf8)
        var accepted = 0
        for i in 0..<4000 {
            var bytes = Codec.encode(Self.value(&rng, depth: 0))
            // Mutate most inputs: flips, insertions and deletions near JSON's own syntax.
            for _ in 0..<Int.random(in: 0..<4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                case 1: bytes.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: at)
                default: bytes.remove(at: at)
                }
            }
            // The reader's contract starts after JSONParsing.parse has checked UTF-8 (it decodes
            // strings leniently); the whole parse must reject invalid UTF-8 itself.
            guard String(validating: bytes, as: UTF8.self) != nil else {
                #expect(throws: PayloadError.self) { try JSONParsing.parse(bytes, limits: JSONLimits(maxDepth: 64)) }
                continue
            }
            let fast = JSONReader.read(bytes)
            let slow = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
            // And the whole parse agrees with Foundation on every valid-UTF-8 input.
            #expect((try? JSONParsing.parse(bytes, limits: JSONLimits(maxDepth: 64))) == slow, "case \(i): \(String(decoding: bytes, as: UTF8.self))")
            if let fast {
                accepted += 1
                #expect(slow != nil, "case \(i): the reader accepted what JSONDecoder rejects: \(String(decoding: bytes, as: UTF8.self))")
                #expect(fast == slow, "case \(i): the reader and JSONDecoder disagree on \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(accepted > 1000, "the generator should produce plenty of valid documents (got \(accepted))")
    }

    /// The only paths a `PayloadError` may name, per kind (`[]` for any index).
    static let rejectablePaths: [IntegrationKind: Set<String>] = [
        .alertmanager: ["$", "$.alerts", "$.alerts[]"], .grafana: ["$", "$.alerts", "$.alerts[]"],
        .skywalking: ["$", "$[]"], .graylog: ["$", "$.event"], .zabbix: ["$"], .webhook: ["$"], .formattedWebhook: ["$"],
    ]

    @Test(arguments: IntegrationKind.allCases)
    func noPayloadShapeCrashesANormalizer(kind: IntegrationKind) {
        var rng = Rng(state: 0x5EED_0002 &+ UInt64(kind.rawValue.utf8.count))
        let context = NormalizeContext(
            integration: "fuzz", receivedAt: Date(timeIntervalSince1970: 1_800_000_000),
            timeZone: TimeZone(identifier: "Asia/Shanghai")!, makeID: { "id" })
        var outcomes = (alerts: 0, rejected: 0)
        for _ in 0..<1500 {
            let body = Self.value(&rng, depth: 0)
            do {
                let alerts = try Normalizer.normalize(body, kind: kind, context: context)
                outcomes.alerts += 1
                for a in alerts {
                    #expect(!a.fingerprint.isEmpty)
                    #expect(Timestamps.parse(a.startsAt) != nil || !a.startsAt.isEmpty)
                    // Whatever was accepted must survive the contract's round trip.
                    #expect((try? Codec.decode(Alert.self, from: Codec.encode(a))) == a)
                }
            } catch {
                outcomes.rejected += 1
                // Only the shape a source needs may be rejected (docs/contracts.md, "What the
                // gateway accepts"); any other field of any kind is defaulted.
                let generic = error.path.replacingOccurrences(of: #"\[\d+\]"#, with: "[]", options: .regularExpression)
                #expect(Self.rejectablePaths[kind, default: []].contains(generic), "rejected at a field the source does not need: \(error)")
            }
        }
        #expect(outcomes.alerts + outcomes.rejected == 1500)
    }
}
