import Foundation
internal import CCurl

/// One libcurl easy handle, reused across transfers so connections, TLS sessions and DNS
/// answers are kept (keep-alive to the SMTP relay or the webhook host).
///
/// Thread use: a handle is meant to be owned by one thread (one per `BlockingExecutor` thread
/// index). A lock still serialises transfers, so sharing one by mistake is slow, not unsafe.
public final class CurlHandle: @unchecked Sendable {
    // Why @unchecked: `raw` is a C pointer; every access happens under `lock`.
    private let lock = NSLock()
    private let raw: UnsafeMutableRawPointer
    /// curl writes its detailed error text here during a transfer. Why a heap buffer owned by
    /// the handle: CURLOPT_ERRORBUFFER stores the pointer, not a copy, so it must outlive
    /// every `curl_easy_perform` on this handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates a handle. Aborts only if libcurl cannot allocate one (out of memory).
    public init() {
        _ = CurlGlobal.initialized
        guard let h = curl_easy_init() else { fatalError("curl_easy_init returned NULL (out of memory)") }
        raw = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Runs one transfer: resets the handle to defaults (keeping its connection cache), applies
    /// the options every transfer needs, then lets `body` configure and perform.
    func withTransfer<T, E: Error>(timeoutMillis: Int64, _ body: (CurlTransfer) throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        // Why reset: options from the previous transfer (upload flag, recipients, headers)
        // must not leak into this one; reset keeps live connections and caches.
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        let t = CurlTransfer(handle: raw, errorBuffer: errorBuffer)
        // Why NOSIGNAL: without it libcurl uses SIGALRM for DNS timeouts, which is not
        // thread-safe and can kill a multi-threaded process.
        t.set(CURLOPT_NOSIGNAL, 1)
        t.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        let total = max(timeoutMillis, 1)
        t.set(CURLOPT_TIMEOUT_MS, Int(total))
        t.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(total, 10_000)))
        return try body(t)
    }
}
