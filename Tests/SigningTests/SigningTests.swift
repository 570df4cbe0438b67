import Foundation
import Signing
import Testing

/// Known-answer tests: RFC 4231 (HMAC-SHA256), RFC 2202 (HMAC-SHA1), FIPS 180-2 (SHA-256), and
/// the signature formats the gateway and the chat robots use.
struct SigningTests {
    struct Vector: Sendable, CustomStringConvertible {
        var name: String
        var key: [UInt8]
        var data: [UInt8]
        var sha256: String
        var description: String { name }
    }

    static func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func rep(_ byte: UInt8, _ n: Int) -> [UInt8] { [UInt8](repeating: byte, count: n) }

    /// RFC 4231 §4.2–4.8 (test case 5, truncated output, is checked on its prefix).
    static let rfc4231: [Vector] = [
        Vector(
            name: "case 1", key: rep(0x0b, 20), data: b("Hi There"),
            sha256: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(
            name: "case 2", key: b("Jefe"), data: b("what do ya want for nothing?"),
            sha256: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(
            name: "case 3", key: rep(0xaa, 20), data: rep(0xdd, 50),
            sha256: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(
            name: "case 4", key: Array(1...25), data: rep(0xcd, 50),
            sha256: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Vector(
            name: "case 6 (key longer than a block)", key: rep(0xaa, 131),
            data: b("Test Using Larger Than Block-Size Key - Hash Key First"),
            sha256: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(
            name: "case 7", key: rep(0xaa, 131),
            data: b(
                "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."
            ),
            sha256: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: rfc4231) func hmacSHA256MatchesRFC4231(_ v: Vector) {
        #expect(Signing.hex(Signing.hmacSHA256(key: v.key, message: v.data)) == v.sha256)
    }

    @Test func hmacSHA256TruncatedCase5() {
        let mac = Signing.hmacSHA256(key: Self.rep(0x0c, 20), message: Self.b("Test With Truncation"))
        #expect(Signing.hex(mac.prefix(16)) == "a3b6167473100ee06e0c796c2955552b")
    }

    /// RFC 2202 §3.
    @Test func hmacSHA1MatchesRFC2202() {
        #expect(Signing.hex(Signing.hmacSHA1(key: Self.rep(0x0b, 20), message: Self.b("Hi There"))) == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(
            Signing.hex(Signing.hmacSHA1(key: Self.b("Jefe"), message: Self.b("what do ya want for nothing?")))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(
            Signing.hex(Signing.hmacSHA1(key: Self.rep(0xaa, 80), message: Self.b("Test Using Larger Than Block-Size Key - Hash Key First")))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
        #expect(Signing.hmac(.sha1, key: "k", message: "m").count == Signing.Algorithm.sha1.digestLength)
    }

    @Test func emptyKeyAndMessage() {
        // Well-known values of HMAC-SHA256("", "") and SHA-256("").
        #expect(Signing.hex(Signing.hmacSHA256(key: [], message: [])) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        #expect(Signing.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// FIPS 180-2 appendix B.
    @Test func sha256KnownAnswers() {
        #expect(Signing.sha256Hex(Self.b("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Signing.sha256Hex(Self.b("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Signing.sha256Hex(Self.rep(0x61, 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hexAndBase64RoundTrip() {
        #expect(Signing.hex([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
        #expect(Signing.bytes(hex: "000FF0ff") == [0x00, 0x0f, 0xf0, 0xff])
        #expect(Signing.bytes(hex: "abc") == nil)
        #expect(Signing.bytes(hex: "zz") == nil)
        #expect(Signing.base64(Self.b("foobar")) == "Zm9vYmFy")  // RFC 4648 §10
        #expect(Signing.base64(Self.b("fo")) == "Zm8=")
        #expect(Signing.bytes(base64: "Zm9vYg==") == Self.b("foob"))
        #expect(Signing.bytes(base64: "not base64!") == nil)
    }

    @Test func constantTimeEquals() {
        #expect(Signing.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Signing.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Signing.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(Signing.constantTimeEquals([UInt8](), [UInt8]()))
        // Integration tokens are compared as their UTF-8 bytes.
        #expect(Signing.constantTimeEquals("abc".utf8, "abc".utf8))
        #expect(!Signing.constantTimeEquals("abc".utf8, "abd".utf8))
        #expect(!Signing.constantTimeEquals("abc".utf8, "abcd".utf8))
        #expect(!Signing.constantTimeEquals("".utf8, "a".utf8))
    }

    /// Grafana's webhook signature: hex(HMAC-SHA256(secret, ts + ":" + body)), checked against
    /// an independent computation (`printf '1700000000:{"a":1}' | openssl dgst -sha256 -hmac s3cret`).
    @Test func grafanaSignature() {
        let mac = Signing.hmacSHA256(key: Self.b("s3cret"), message: Self.b("1700000000:{\"a\":1}"))
        #expect(Signing.hex(mac) == Self.grafanaExpected)
    }
    static let grafanaExpected = "05d9bc30f0201f409fa39328f2417ecd7da92ccf4e9bdb80fa96f8518b0dd0a3"

    /// DingTalk's robot signature: base64(HMAC-SHA256(secret, ts + "\n" + secret)).
    @Test func dingTalkSignature() {
        let secret = "SEC000example", ts = "1700000000000"
        let sign = Signing.base64(Signing.hmac(.sha256, key: secret, message: ts + "\n" + secret))
        #expect(sign == Self.dingTalkExpected)
    }
    static let dingTalkExpected = "xyAXnOeEx8mcnUUlZoyxvRe/La8u0eqZaWsTXunfdkQ="
}
