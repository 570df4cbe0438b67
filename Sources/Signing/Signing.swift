import Foundation
internal import CCrypto

/// Message authentication and digests on libcrypto (OpenSSL 3), for inbound webhook checks
/// (Grafana's HMAC header) and outbound robot signatures (DingTalk, Feishu). Every function is
/// pure and thread-safe: one-shot libcrypto calls with no shared state.
public enum Signing {
    /// The hash behind an HMAC.
    public enum Algorithm: Sendable, CaseIterable {
        case sha256
        case sha1

        /// Bytes in one digest (32 or 20).
        public var digestLength: Int {
            switch self {
            case .sha256: 32
            case .sha1: 20
            }
        }

        fileprivate var md: OpaquePointer {
            // EVP_sha256()/EVP_sha1() return static, never-freed descriptors: no lifetime to manage.
            switch self {
            case .sha256: EVP_sha256()
            case .sha1: EVP_sha1()
            }
        }
    }

    /// HMAC of `message` under `key` (RFC 2104). A key longer than the hash's block is hashed
    /// first, as the RFC says; an empty key is allowed.
    public static func hmac(_ algorithm: Algorithm, key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        let k = Array(key), m = Array(message)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = k.withUnsafeBufferPointer { kb in
            m.withUnsafeBufferPointer { mb in
                // A zero-length buffer may have a nil base address; libcrypto wants a valid pointer
                // even for length 0, so point at a dummy byte.
                var dummy: UInt8 = 0
                return withUnsafeMutablePointer(to: &dummy) { d in
                    HMAC(
                        algorithm.md, kb.baseAddress ?? UnsafePointer(d), Int32(kb.count),
                        mb.baseAddress ?? UnsafePointer(d), mb.count, &out, &length) != nil
                }
            }
        }
        // HMAC() fails only on allocation failure or an unusable digest: neither is recoverable.
        precondition(ok && Int(length) == algorithm.digestLength, "libcrypto HMAC failed")
        return Array(out.prefix(Int(length)))
    }

    /// HMAC over the UTF-8 bytes of two strings.
    public static func hmac(_ algorithm: Algorithm, key: String, message: String) -> [UInt8] {
        hmac(algorithm, key: Array(key.utf8), message: Array(message.utf8))
    }

    /// HMAC-SHA256 (32 bytes).
    public static func hmacSHA256(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        hmac(.sha256, key: key, message: message)
    }

    /// HMAC-SHA1 (20 bytes).
    public static func hmacSHA1(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        hmac(.sha1, key: key, message: message)
    }

    /// SHA-256 digest (32 bytes).
    public static func sha256(_ data: some Collection<UInt8>) -> [UInt8] {
        let d = Array(data)
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        d.withUnsafeBufferPointer { b in
            var dummy: UInt8 = 0
            withUnsafeMutablePointer(to: &dummy) { p in
                _ = SHA256(b.baseAddress ?? UnsafePointer(p), b.count, &out)
            }
        }
        return out
    }

    /// SHA-256 as 64 lower-case hex digits.
    public static func sha256Hex(_ data: some Collection<UInt8>) -> String { hex(sha256(data)) }

    /// Lower-case hex of `bytes`.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of a hex string (either case); nil when it has an odd length or a non-hex digit.
    public static func bytes(hex: some StringProtocol) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    /// Standard base64 with padding (RFC 4648 §4), as DingTalk and Feishu signatures use.
    public static func base64(_ bytes: some Collection<UInt8>) -> String { Data(bytes).base64EncodedString() }

    /// Bytes of standard base64 (padding required); nil when malformed.
    public static func bytes(base64: String) -> [UInt8]? { Data(base64Encoded: base64).map { Array($0) } }

    /// Compares two byte strings in time that depends only on their lengths (`CRYPTO_memcmp`),
    /// so a caller checking a signature does not reveal how many leading bytes matched.
    /// Different lengths compare unequal (lengths are public: digests have a fixed size).
    public static func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let x = Array(a), y = Array(b)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { xb in y.withUnsafeBytes { yb in CRYPTO_memcmp(xb.baseAddress, yb.baseAddress, x.count) == 0 } }
    }
}
