import Foundation
internal import CCurl

/// Bytes libcurl reads from memory (SMTP message, HTTP request body) through READFUNCTION.
///
/// Lifetime: libcurl holds only the raw `READDATA` pointer, not a reference. The caller keeps
/// the source alive (`withExtendedLifetime`) until `curl_easy_perform` returns.
final class CurlUploadSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    /// Unretained: the caller's reference keeps it alive, see above.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// READFUNCTION: copies the next chunk into curl's buffer; returning 0 means end of data.
    /// Why no captures: a C function pointer cannot capture context; it comes via `userdata`.
    static let read: curlx_io_callback = { buffer, size, nitems, userdata in
        guard let buffer, let userdata else { return 0 }
        let source = Unmanaged<CurlUploadSource>.fromOpaque(userdata).takeUnretainedValue()
        let n = min(size * nitems, source.bytes.count - source.offset)
        guard n > 0 else { return 0 }
        source.bytes.withUnsafeBytes { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + source.offset, byteCount: n)
        }
        source.offset += n
        return n
    }
}

/// Collects a response body through WRITEFUNCTION, up to a limit (extra bytes are dropped,
/// not an error: vendors' error pages can be large and we only need their start).
final class CurlResponseSink {
    private(set) var data = Data()
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// WRITEFUNCTION: must return the full size it was given, or curl aborts the transfer.
    static let write: curlx_io_callback = { buffer, size, nitems, userdata in
        let total = size * nitems
        guard let buffer, let userdata else { return total }
        let sink = Unmanaged<CurlResponseSink>.fromOpaque(userdata).takeUnretainedValue()
        let keep = min(total, sink.limit - sink.data.count)
        if keep > 0 {
            buffer.withMemoryRebound(to: UInt8.self, capacity: keep) { sink.data.append($0, count: keep) }
        }
        return total
    }
}
