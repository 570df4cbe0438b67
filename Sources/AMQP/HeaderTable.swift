import Foundation
internal import CRabbitMQ

/// Converts between Swift headers and `amqp_table_t`.
enum HeaderTable {
    /// Calls `body` with a table whose memory stays valid only during the call.
    static func with<R>(_ headers: [String: HeaderValue], _ body: (amqp_table_t) -> R) -> R {
        if headers.isEmpty { return body(amqp_empty_table) }
        // Keys and string values are copied into one allocation freed after `body`.
        var storage: [UnsafeMutableRawPointer] = []
        defer { storage.forEach { free($0) } }
        func bytes(_ s: String) -> amqp_bytes_t {
            let utf8 = Array(s.utf8)
            let p = malloc(max(utf8.count, 1))!
            utf8.withUnsafeBytes { if $0.count > 0 { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
            storage.append(p)
            return amqp_bytes_t(len: utf8.count, bytes: p)
        }
        var entries: [amqp_table_entry_t] = []
        entries.reserveCapacity(headers.count)
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) {
            var value = amqp_field_value_t()
            switch v {
            case .string(let s):
                value.kind = UInt8(ascii: "S")
                value.value.bytes = bytes(s)
            case .int(let i):
                value.kind = UInt8(ascii: "l")
                value.value.i64 = i
            }
            entries.append(amqp_table_entry_t(key: bytes(k), value: value))
        }
        return entries.withUnsafeMutableBufferPointer { buf in
            body(amqp_table_t(num_entries: Int32(buf.count), entries: buf.baseAddress))
        }
    }

    /// Reads a table from a received message into Swift values.
    static func read(_ table: amqp_table_t) -> [String: HeaderValue] {
        var out: [String: HeaderValue] = [:]
        guard let entries = table.entries else { return out }
        for i in 0..<Int(table.num_entries) {
            let e = entries[i]
            out[e.key.string] = value(e.value)
        }
        return out
    }

    static func value(_ v: amqp_field_value_t) -> HeaderValue {
        switch v.kind {
        case UInt8(ascii: "S"), UInt8(ascii: "x"): return .string(v.value.bytes.string)
        case UInt8(ascii: "l"): return .int(v.value.i64)
        case UInt8(ascii: "L"): return .int(Int64(bitPattern: v.value.u64))
        case UInt8(ascii: "I"): return .int(Int64(v.value.i32))
        case UInt8(ascii: "i"): return .int(Int64(v.value.u32))
        case UInt8(ascii: "s"): return .int(Int64(v.value.i16))
        case UInt8(ascii: "u"): return .int(Int64(v.value.u16))
        case UInt8(ascii: "b"): return .int(Int64(v.value.i8))
        case UInt8(ascii: "B"): return .int(Int64(v.value.u8))
        case UInt8(ascii: "t"): return .string(v.value.boolean != 0 ? "true" : "false")
        case UInt8(ascii: "T"): return .int(Int64(bitPattern: v.value.u64))
        case UInt8(ascii: "d"): return .string(String(v.value.f64))
        case UInt8(ascii: "f"): return .string(String(v.value.f32))
        case UInt8(ascii: "A"): return .string("[array]")
        case UInt8(ascii: "F"): return .string("[table]")
        default: return .string("")
        }
    }
}
