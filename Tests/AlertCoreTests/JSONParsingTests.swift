@testable import AlertCore
import Foundation
import TestSupport
import Testing

/// `JSONParsing.parse` (the gateway's body parser) reads with its fast reader (`JSONReader`) and
/// leaves only doubtful or invalid documents to JSONDecoder. It must agree with JSONDecoder on
/// every inbound sample and on edge cases (same values when valid, a PayloadError when not), and
/// the fast reader must be the one that read every plain valid document: agreement alone would
/// hold just as well with the fast path switched off.
struct JSONParsingTests {
    static func decoder(_ bytes: [UInt8]) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) }

    /// Valid documents the fast reader reads itself.
    static let plain: [String] = [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, #"[]"#, #"{}"#, #"  [1, -0, 0.5, -1.5e3, 1E+2, 2e-2 ]  "#,
        #""just a string""#, #"12"#, #"true"#, #"null"#,
        #"{"esc":"\" \\ \/ \b \f \n \r \t \u00e9 \u4e2d \ud83d\ude00"}"#, #"{"go":"\u0026 \u003c \u003e"}"#, "\"é\"",
    ]

    /// Documents the fast reader leaves to JSONDecoder: duplicate keys, a lone surrogate, a
    /// number a Double cannot hold, trailing commas (which Foundation's decoder accepts).
    static let doubtful: [String] = [#"{"a":1,"a":2}"#, #"{"lone":"\ud800"}"#, #"{"big":1e400}"#, #"{"a":1,}"#, #"[1,]"#]

    /// Invalid documents: both readers refuse them.
    static let invalid: [String] = [
        #"[01]"#, #"[1.]"#, #"[.5]"#, #"[1e]"#, #"[+1]"#, #"{"a" 1}"#, #"[1 2]"#,
        "{\"ctl\":\"a\u{01}b\"}", #"{"bad":"\x"}"#, #"tru"#, #"nul"#, #"{"a":1} x"#, #"["unterminated]"#, #"{"u":"\u12G4"}"#,
        #"[-]"#, #"[-a]"#,
    ]

    @Test(arguments: plain) func plainDocumentsTakeTheFastPathAndAgree(_ text: String) throws {
        let bytes = Array(text.utf8)
        let parsed = try JSONParsing.parseNotingReader(bytes)
        #expect(parsed.reader == .fast, "\(text) was left to JSONDecoder")
        #expect(parsed.value == Self.decoder(bytes), "\(text)")
    }

    @Test(arguments: doubtful) func doubtfulDocumentsAreLeftToTheDecoder(_ text: String) {
        let bytes = Array(text.utf8)
        let parsed = try? JSONParsing.parseNotingReader(bytes)
        #expect(parsed?.value == Self.decoder(bytes), "\(text)")
        if let parsed { #expect(parsed.reader == .decoder, "\(text)") }
    }

    @Test(arguments: invalid) func invalidDocumentsAreRefusedByBoth(_ text: String) {
        let bytes = Array(text.utf8)
        #expect(Self.decoder(bytes) == nil, "JSONDecoder accepts \(text)")
        #expect(throws: PayloadError.self, "\(text)") { try JSONParsing.parse(bytes) }
    }

    @Test func everyInboundSampleTakesTheFastPathAndAgrees() throws {
        let dir = TestEnvironment.samples
        let files = try #require(FileManager.default.enumerator(atPath: dir.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
        #expect(files.count > 10, "samples missing under \(dir.path)")
        var read = 0
        for f in files {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(f)))
            guard String(validating: bytes, as: UTF8.self) != nil, JSONParsing.nestingDepth(bytes) <= 32,
                let expected = Self.decoder(bytes)
            else { continue }
            let parsed = try JSONParsing.parseNotingReader(bytes)
            #expect(parsed.reader == .fast, "\(f) was left to JSONDecoder")
            #expect(parsed.value == expected, "\(f)")
            read += 1
        }
        #expect(read > 10)
    }
}
