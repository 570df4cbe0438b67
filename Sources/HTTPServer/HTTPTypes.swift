import Foundation

/// A request whose body has been read in full (within the configured limit).
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path without the query string.
    public var path: String
    /// Query arguments, decoded (a repeated name: its last value).
    public var query: [String: String]
    /// Query arguments, decoded, in order, repeated names kept (`roles=0&roles=1`).
    public var queryPairs: [(String, String)] = []
    /// Header names are lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// A response to send.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response; `body` is already-encoded JSON.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// `{"error": reason}` with the status: every client mistake is answered this way.
    public static func error(_ status: Int, _ reason: String, headers: [(String, String)] = []) -> HTTPResponse {
        let obj = ["error": reason]
        let data = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return json(status, Array(data), headers: headers)
    }

    public static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }
}

/// Answers a request, once, from any thread, now or later.
public typealias HTTPResponder = @Sendable (HTTPResponse) -> Void
/// Handles a request. It must not block: slow work answers later through the responder while
/// the connection is suspended (no server thread is held).
public typealias HTTPHandler = @Sendable (HTTPRequest, @escaping HTTPResponder) -> Void
