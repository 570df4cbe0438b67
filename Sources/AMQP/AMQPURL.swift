import Foundation

/// Where and how to connect: `amqp://user:password@host:port/vhost` (vhost `/` is written `%2F`
/// or left empty).
public struct AMQPURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var vhost: String

    public init?(_ text: String) {
        guard let c = URLComponents(string: text), c.scheme == "amqp", let host = c.host, !host.isEmpty else { return nil }
        self.host = host
        self.port = c.port ?? 5672
        self.user = c.user.flatMap { $0.removingPercentEncoding } ?? "guest"
        self.password = c.password.flatMap { $0.removingPercentEncoding } ?? "guest"
        let path = c.percentEncodedPath
        let v = path.hasPrefix("/") ? String(path.dropFirst()) : path
        self.vhost = v.isEmpty ? "/" : (v.removingPercentEncoding ?? v)
    }

    /// The URL without the password, for logs.
    public var description: String { "amqp://\(user)@\(host):\(port)/\(vhost == "/" ? "" : vhost)" }
}
