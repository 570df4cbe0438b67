import AlertCore
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import WorkerKit

/// Log lines are written directly when every key sorts in byte order, through
/// JSONSerialization otherwise; either way the line is what JSONSerialization writes.
@Suite struct LoggerLineTests {
    static let pieces = [
        "a", "Z", "_", "-", ".", "10", "2", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\n", "\u{b}",
        "\u{c}", "\r", "\u{1f}", "\u{7f}", "é", "磁盘", "Диск", "😀", "\u{2028}", " ", "{", "}",
    ]

    static func capture(_ body: (Logger) -> Void) -> [[UInt8]] {
        let lines = Mutex<[[UInt8]]>([])
        body(Logger(process: "test", sink: Logger.Sink { bytes in lines.withLock { $0.append(bytes) } }))
        return lines.withLock { $0 }
    }

    static func reference(_ fields: [String: String]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) + [0x0A]
    }

    @Test func linesAreWhatJSONSerializationWrites() throws {
        var rng = Fx.Rng(state: 0x10C)
        func text(_ from: [String]) -> String {
            (0..<Int.random(in: 0..<6, using: &rng)).map { _ in from[Int.random(in: 0..<from.count, using: &rng)] }.joined()
        }
        let plainKeys = ["a", "b", "z", "_", "ab", "a_b", "notification", "fingerprint", "channel", "error"]
        var direct = 0
        for i in 0..<2000 {
            // Half the cases only with keys of a-z and _ (the direct writer); the others may have
            // any key (JSONSerialization's own order: upper case, digits, punctuation).
            var extra: [String: String] = [:]
            for _ in 0..<Int.random(in: 0..<5, using: &rng) {
                let key = i % 2 == 0 ? plainKeys[Int.random(in: 0..<plainKeys.count, using: &rng)] : text(Self.pieces)
                extra[key] = text(Self.pieces)
            }
            let msg = text(Self.pieces)
            let lines = Self.capture { $0.with(["channel": "email"]).info(msg, extra) }
            let line = try #require(lines.first)
            // Rebuild the fields the logger wrote, then write them the reference way.
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
            #expect(object["msg"] == msg && object["level"] == "info" && object["process"] == "test")
            #expect(line == Self.reference(object), "case \(i): \(String(decoding: line, as: UTF8.self))")
            if object.keys.allSatisfy(JSONObjectWriter.sortsLikeBytes) { direct += 1 }
        }
        #expect(direct >= 1000, "the direct writer must take most plain-key lines")
    }

    @Test func keyOrderOfTheDirectWriter() {
        #expect(
            JSONObjectWriter.write(["b": "1", "a_b": "2", "a": "3", "ab": "4", "_": "5"])
                == Array(#"{"_":"5","a":"3","a_b":"2","ab":"4","b":"1"}"#.utf8))
        #expect(JSONObjectWriter.sortsLikeBytes("recipients") && JSONObjectWriter.sortsLikeBytes("open_requests_at_stop"))
        for key in ["", "ruleName", "p50", "a-b", "a.b", "é"] { #expect(!JSONObjectWriter.sortsLikeBytes(key), "\(key)") }
    }
}
