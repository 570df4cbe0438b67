// What the benchmark reads from the machine: /proc of a process, a free port, a plain HTTP
// GET to a health port, the load average. Nothing here knows the benchmark's run.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What /proc says about a process.
struct ProcSample {
    var rssKiB = 0
    var privateKiB = 0
    var cpuSeconds = 0.0

    static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    init() {}

    /// VmRSS (status), Private_Clean + Private_Dirty (smaps_rollup), utime + stime (stat).
    init?(pid: pid_t) {
        func read(_ file: String) -> String? { try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8) }
        func kib(_ text: String, _ field: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        guard let status = read("status"), let smaps = read("smaps_rollup"), let stat = read("stat"),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        rssKiB = kib(status, "VmRSS")
        privateKiB = kib(smaps, "Private_Clean") + kib(smaps, "Private_Dirty")
        // Fields after "(comm)": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return nil }
        cpuSeconds = (u + s) / Self.ticks
    }
}

/// A free TCP port on 127.0.0.1 (bound and released).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// `GET path` on 127.0.0.1:port (HTTP/1.0, read to the end); nil when it cannot connect.
func httpGet(port: Int, _ path: String) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

/// The 1, 5 and 15 minute load averages, as /proc/loadavg writes them.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}
