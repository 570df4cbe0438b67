import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An HTTP answer as tests read it.
public struct HTTPResult: Sendable {
    /// The status code.
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    /// The body bytes.
    public var body: Data
    /// The body as a JSON object, or empty when it is not one.
    public var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }

    /// An answer with these parts.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// One request through URLSession (libcurl underneath on Linux), 20 s timeout. For what
/// URLSession cannot do (trickled bytes, 401 challenges) use `RawClient` and `rawHTTP`.
public func http(_ method: String, _ url: String, body: Data? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
    var req = URLRequest(url: URL(string: url)!)
    req.httpMethod = method
    req.httpBody = body
    req.timeoutInterval = 20
    for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
    let (data, response) = try await URLSession.shared.data(for: req)
    guard let r = response as? HTTPURLResponse else { throw TestFailure("\(method) \(url): not an HTTP response") }
    var h: [String: String] = [:]
    for (k, v) in r.allHeaderFields { h[String(describing: k).lowercased()] = String(describing: v) }
    return HTTPResult(status: r.statusCode, headers: h, body: data)
}
