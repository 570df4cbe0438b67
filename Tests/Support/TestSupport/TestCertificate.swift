import Foundation

/// A self-signed certificate for the TLS sinks.
public enum TestCertificate {
    /// A self-signed EC certificate for CN=localhost in `dir`, made with the openssl CLI;
    /// returns the paths of the certificate and key PEM files.
    public static func selfSigned(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
        ]
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
