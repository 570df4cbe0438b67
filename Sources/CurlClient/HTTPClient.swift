import AlertCore
import Foundation
internal import CCurl

/// A small blocking HTTP client for robot webhooks (DingTalk, WeCom, …) on a reused
/// `CurlHandle`. It reports transport failures; judging the status and the vendor's body is
/// the channel's job (`DeliveryError.classifyHTTP`, vendor codes inside 200 bodies).
public final class HTTPClient: Sendable {
    private let handle: CurlHandle
    private let responseLimit: Int

    /// - Parameter responseLimit: bytes of the response body kept; the rest is dropped.
    public init(handle: CurlHandle = CurlHandle(), responseLimit: Int = 1 << 20) {
        self.handle = handle
        self.responseLimit = responseLimit
    }

    /// POSTs `body` and returns the status and body, whatever the status (blocking; run it on a
    /// `BlockingExecutor` thread). Redirects are not followed.
    ///
    /// - Parameters:
    ///   - url: `http://` or `https://` URL. It may hold a token: errors show only its scheme,
    ///     host and port, never its path or query.
    ///   - headers: request headers, in order (e.g. `("Content-Type", "application/json")`).
    ///   - timeout: for the whole exchange (connecting is also capped at 10 s).
    /// - Throws: `DeliveryError`, the only error: transient `.network` (cannot connect, connection
    ///   lost, TLS failure), transient `.timeout`, or permanent `.clientError` for a URL libcurl
    ///   cannot use or a header with a line break.
    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) throws(DeliveryError) -> (status: Int, body: Data) {
        let where_ = HTTPClient.redactedURL(url)
        for (name, value) in headers where (name + value).unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .permanent(.clientError, "HTTP header \(name) for \(where_) contains a line break")
        }
        // "Expect:" (empty) stops curl from sending `Expect: 100-continue` for large bodies,
        // which costs a round trip or a 1 s wait with servers that ignore it.
        let headerList = CurlStringList(headers.map { "\($0.0): \($0.1)" } + ["Expect:"])
        let source = CurlUploadSource(body)
        let sink = CurlResponseSink(limit: responseLimit)
        let millis = max(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000), 1)
        return try handle.withTransfer(timeoutMillis: millis) { (t: CurlTransfer) throws(DeliveryError) in
            t.set(CURLOPT_URL, url)
            // Only web protocols: a config URL must not make us read file:// or talk gopher.
            t.set(CURLOPT_PROTOCOLS_STR, "http,https")
            t.set(CURLOPT_POST, 1)
            t.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(source.count))
            t.set(CURLOPT_READFUNCTION, io: CurlUploadSource.read)
            t.set(CURLOPT_READDATA, pointer: source.opaque)
            t.set(CURLOPT_HTTPHEADER, list: headerList)
            t.set(CURLOPT_WRITEFUNCTION, io: CurlResponseSink.write)
            t.set(CURLOPT_WRITEDATA, pointer: sink.opaque)
            // Why withExtendedLifetime: libcurl holds raw pointers to the header slist, the
            // body source and the response sink until perform returns.
            let code = withExtendedLifetime((headerList, source, sink)) { t.perform() }
            guard code == CURLE_OK else {
                throw HTTPClient.classify(code, text: t.errorText(code), where: where_, timeoutMillis: millis, url: url)
            }
            return (t.responseCode, sink.data)
        }
    }

    /// GETs `url` and returns the status and body (blocking; run it off the cooperative pool).
    /// Follows up to 3 redirects, to http(s) only (calendar links often redirect).
    ///
    /// - Throws: `DeliveryError` as `post` does.
    public func get(url: String, headers: [(String, String)], timeout: Duration) throws(DeliveryError) -> (status: Int, body: Data) {
        let where_ = HTTPClient.redactedURL(url)
        for (name, value) in headers where (name + value).unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .permanent(.clientError, "HTTP header \(name) for \(where_) contains a line break")
        }
        let headerList = CurlStringList(headers.map { "\($0.0): \($0.1)" })
        let sink = CurlResponseSink(limit: responseLimit)
        let millis = max(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000), 1)
        return try handle.withTransfer(timeoutMillis: millis) { (t: CurlTransfer) throws(DeliveryError) in
            t.set(CURLOPT_URL, url)
            t.set(CURLOPT_PROTOCOLS_STR, "http,https")
            t.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
            t.set(CURLOPT_HTTPGET, 1)
            t.set(CURLOPT_FOLLOWLOCATION, 1)
            t.set(CURLOPT_MAXREDIRS, 3)
            t.set(CURLOPT_HTTPHEADER, list: headerList)
            t.set(CURLOPT_WRITEFUNCTION, io: CurlResponseSink.write)
            t.set(CURLOPT_WRITEDATA, pointer: sink.opaque)
            // libcurl holds raw pointers to the header slist and the sink until perform returns.
            let code = withExtendedLifetime((headerList, sink)) { t.perform() }
            guard code == CURLE_OK else {
                throw HTTPClient.classify(code, text: t.errorText(code), where: where_, timeoutMillis: millis, url: url)
            }
            return (t.responseCode, sink.data)
        }
    }

    static func classify(_ code: CURLcode, text: String, where w: String, timeoutMillis: Int64, url: String) -> DeliveryError {
        // curl's messages name the host, not the path, but strip the URL anyway (tokens).
        let text = "\(text.replacingOccurrences(of: url, with: w)) [curl \(code.rawValue)]"
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .transient(.timeout, "POST \(w) did not finish within \(timeoutMillis) ms: \(text)")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .permanent(.clientError, "cannot POST to \(w): \(text)")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            return .transient(.network, "cannot connect to \(w): \(text)")
        default:
            return .transient(.network, "POST \(w) failed: \(text)")
        }
    }

    /// `scheme://host:port` of a URL, without user info, path or query (where tokens live).
    static func redactedURL(_ url: String) -> String {
        guard let c = URLComponents(string: url), let scheme = c.scheme, let host = c.host else { return "<unparseable URL>" }
        return "\(scheme)://\(host)\(c.port.map { ":\($0)" } ?? "")/…"
    }
}
