import AlertCore
import Foundation
import Testing

/// The gateway's fast JSON path (`JSONParsing.parse`'s reader) must agree with JSONDecoder, on
/// every inbound sample and on edge cases: same values when valid, a PayloadError when not.
struct GatewayJSONReaderTests {
    static func decoder(_ bytes: [UInt8]) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) }

    static let cases: [String] = [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, #"[]"#, #"{}"#, #"  [1, -0, 0.5, -1.5e3, 1E+2, 2e-2 ]  "#,
        #""just a string""#, #"12"#, #"true"#, #"null"#,
        #"{"esc":"\" \\ \/ \b \f \n \r \t \u00e9 \u4e2d \ud83d\ude00"}"#, #"{"go":"\u0026 \u003c \u003e"}"#,
        #"{"a":1,"a":2}"#, #"{"lone":"\ud800"}"#, #"{"big":1e400}"#, #"[01]"#, #"[1.]"#, #"[.5]"#, #"[1e]"#, #"[+1]"#,
        #"{"a" 1}"#, #"{"a":1,}"#, #"[1,]"#, #"[1 2]"#, "{\"ctl\":\"a\u{01}b\"}", #"{"bad":"\x"}"#, #"tru"#, #"nul"#,
        #"{"a":1} x"#, #"["unterminated]"#, #"{"u":"\u12G4"}"#, "\"é\"", #"[-]"#, #"[-a]"#,
    ]

    @Test(arguments: cases) func agreesWithTheDecoder(_ text: String) {
        let bytes = Array(text.utf8)
        let expected = Self.decoder(bytes)
        let got = try? JSONParsing.parse(bytes)
        #expect(got == expected, "\(text)")
    }

    @Test func agreesOnEveryInboundSample() throws {
        let dir = TestEnvironment.shared.appendingPathComponent("samples/inbound")
        let files = try #require(FileManager.default.enumerator(atPath: dir.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
        #expect(files.count > 10)
        for f in files {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(f)))
            guard String(validating: bytes, as: UTF8.self) != nil, JSONParsing.nestingDepth(bytes) <= 32 else { continue }
            #expect((try? JSONParsing.parse(bytes)) == Self.decoder(bytes), "\(f)")
        }
    }
}
