import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback sockets for failure tests, and a self-signed certificate for the TLS sink.
enum TestNetwork {
    /// A 127.0.0.1 port nothing listens on: bound to find a free one, then closed.
    static func closedPort() throws -> Int {
        let fd = try listeningSocket(listen: false)
        defer { close(fd) }
        return try port(of: fd)
    }

    /// A socket that accepts TCP connections (through the kernel backlog) but never answers:
    /// an SMTP server that hangs before its greeting. Close the returned descriptor when done.
    static func silentServer() throws -> (fd: Int32, port: Int) {
        let fd = try listeningSocket(listen: true)
        return (fd, try port(of: fd))
    }

    private static func listeningSocket(listen doListen: Bool) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw TestFailure("bind() failed: errno \(errno)") }
        if doListen { guard listen(fd, 16) == 0 else { close(fd); throw TestFailure("listen() failed: errno \(errno)") } }
        return fd
    }

    private static func port(of fd: Int32) throws -> Int {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { throw TestFailure("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A self-signed EC certificate for CN=localhost in `dir`, made with the openssl CLI.
    static func selfSignedCertificate(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                       "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { throw TestFailure("cannot run /usr/bin/openssl to make a test certificate: \(error)") }
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("openssl req failed (\(p.terminationStatus)): \(errText)") }
        return (cert, key)
    }
}

/// An error whose text is the reason a test could not go on.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
