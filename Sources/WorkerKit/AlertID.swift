import Foundation
import Synchronization

/// Ids for received alerts: random (version 4) UUIDs in lower case, from the kernel's random
/// generator. Foundation's `UUID()` opens /dev/urandom for every id on Linux, and
/// `SystemRandomNumberGenerator` makes one `getrandom` call per 8 bytes; at gateway rates both
/// are system calls on every request. Here the bytes are read 4 KiB at a time (256 ids per
/// read) from /dev/urandom, opened once, into a pool whose bytes are each used once, shared
/// under a lock. (`getrandom` itself is not visible to Swift through Glibc.)
public enum AlertID {
    public static func make() -> String {
        var bytes = (UInt64(0), UInt64(0))
        pool.withLock { p in
            if p.offset == p.bytes.count { p.refill() }
            p.bytes.withUnsafeBytes { raw in
                withUnsafeMutableBytes(of: &bytes) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[p.offset..<(p.offset + 16)])) }
            }
            p.offset += 16
        }
        return withUnsafeMutableBytes(of: &bytes) { b -> String in
            b[6] = (b[6] & 0x0F) | 0x40  // version 4
            b[8] = (b[8] & 0x3F) | 0x80  // RFC 4122 variant
            let hex: StaticString = "0123456789abcdef"
            return String(unsafeUninitializedCapacity: 36) { out in
                var j = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[j] = UInt8(ascii: "-"); j += 1 }
                    out[j] = hex.utf8Start[Int(b[i] >> 4)]
                    out[j + 1] = hex.utf8Start[Int(b[i] & 0x0F)]
                    j += 2
                }
                return j
            }
        }
    }

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var offset = 4096
        var fd: Int32 = -1

        mutating func refill() {
            if fd < 0 { fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC) }
            // /dev/urandom is on every Linux system this runs on; without it no id can be random.
            precondition(fd >= 0, "cannot open /dev/urandom: errno \(errno)")
            var filled = 0
            bytes.withUnsafeMutableBytes { buf in
                while filled < buf.count {
                    let n = read(fd, buf.baseAddress! + filled, buf.count - filled)
                    if n > 0 { filled += n } else { precondition(n < 0 && errno == EINTR, "cannot read /dev/urandom: errno \(errno)") }
                }
            }
            offset = 0
        }
    }

    private static let pool = Mutex(Pool())
}
