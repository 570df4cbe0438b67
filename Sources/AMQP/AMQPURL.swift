import Foundation

/// Where and how to connect: `amqp://user:password@host:port/vhost` (vhost `/` is written `%2F`
/// or left empty), or `amqps://…` for TLS (default port 5671; the server certificate and host
/// name are verified against the system's CA bundle).
public struct AMQPURL: Sendable, Equatable, CustomStringConvertible {
    public var tls: Bool
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var vhost: String

    public init?(_ text: String) {
        guard let c = URLComponents(string: text), c.scheme == "amqp" || c.scheme == "amqps", let host = c.host, !host.isEmpty else { return nil }
        self.tls = c.scheme == "amqps"
        self.host = host
        self.port = c.port ?? (tls ? 5671 : 5672)
        self.user = c.user.flatMap { $0.removingPercentEncoding } ?? "guest"
        self.password = c.password.flatMap { $0.removingPercentEncoding } ?? "guest"
        let path = c.percentEncodedPath
        let v = path.hasPrefix("/") ? String(path.dropFirst()) : path
        self.vhost = v.isEmpty ? "/" : (v.removingPercentEncoding ?? v)
    }

    /// The URL without the password, for logs.
    public var description: String { "\(tls ? "amqps" : "amqp")://\(user)@\(host):\(port)/\(vhost == "/" ? "" : vhost)" }
}
