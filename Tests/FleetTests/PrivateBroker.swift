import AMQP
import Foundation
import TestSupport

/// A RabbitMQ node of the test's own (own ports, own data directory), so a test can crash and
/// restart a broker without disturbing the shared one every other test uses.
final class PrivateBroker: @unchecked Sendable {
    let port = freePort()
    let distPort = freePort()
    let dir: URL
    let node = "klaxontest\(UInt32.random(in: 0...UInt32.max))@localhost"
    private var launcher: ChildProcess?

    var url: String { "amqp://guest:guest@127.0.0.1:\(port)/" }

    init() async throws {
        dir = URL(fileURLWithPath: "/tmp/klaxon-rmq-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "[].".write(to: dir.appendingPathComponent("enabled_plugins"), atomically: true, encoding: .utf8)
        // The node runs as the rabbitmq user (its Erlang cookie lives in /var/lib/rabbitmq).
        let chown = try ChildProcess("/bin/chown", ["-R", "rabbitmq:rabbitmq", dir.path])
        await chown.wait()
    }

    /// Starts the node (again, on the same data after a crash) and waits for AMQP.
    func start() async throws {
        let env = [
            "HOME=/var/lib/rabbitmq", "RABBITMQ_NODENAME=\(node)", "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
            "RABBITMQ_NODE_PORT=\(port)", "RABBITMQ_DIST_PORT=\(distPort)", "RABBITMQ_MNESIA_BASE=\(dir.path)/mnesia",
            "RABBITMQ_LOG_BASE=\(dir.path)/log", "RABBITMQ_ENABLED_PLUGINS_FILE=\(dir.path)/enabled_plugins",
            "ERL_EPMD_ADDRESS=127.0.0.1", "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}",
        ]
        launcher = try ChildProcess("/usr/sbin/runuser", ["-u", "rabbitmq", "--", "/usr/bin/env"] + env + ["/usr/lib/rabbitmq/bin/rabbitmq-server"])
        let deadline = Date().addingTimeInterval(90)
        while !acceptsAMQP() {
            if Date() > deadline { throw TestFailure("private RabbitMQ did not open port \(port); log:\n\(launcher?.log ?? "")") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Ready means an AMQP handshake succeeds, not just a TCP connect: a connect to a closed
    /// port in the ephemeral range can connect to itself (Linux picks the same port as the
    /// source), and the node opens its port before it is done booting.
    func acceptsAMQP() -> Bool {
        guard isListening(), let conn = try? AMQPConnection(url: AMQPURL(url)!, heartbeatSeconds: 0) else { return false }
        conn.close()
        return true
    }

    func isListening() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected =
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        guard connected else { return false }
        // A socket connected to itself is not a listener.
        var local = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return UInt16(bigEndian: local.sin_port) != UInt16(port)
    }

    /// SIGKILLs the node (a crash, not a shutdown) and waits until its port is closed. The Erlang
    /// VM is found by the port it listens on: its command line does not name the node reliably.
    func crash() async throws {
        killNode()
        let deadline = Date().addingTimeInterval(20)
        while isListening() {
            if Date() > deadline { throw TestFailure("private RabbitMQ on \(port) did not die") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func listeningPIDs() -> [Int32] {
        let pipe = Pipe()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ss")
        p.arguments = ["-Hltnp", "sport = :\(port) or sport = :\(distPort)"]
        p.standardOutput = pipe
        try? p.run()
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let re = try! NSRegularExpression(pattern: #"pid=(\d+)"#)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Int32(text[Range($0.range(at: 1), in: text)!])
        }
    }

    /// Stops the node for good and removes its data.
    func remove() {
        killNode()
        try? FileManager.default.removeItem(at: dir)
    }

    /// SIGKILLs the Erlang VM, the `rabbitmq-server` shell that started it and the launcher.
    /// Killing only the VM and `runuser` left the shell behind, orphaned, holding the dead VM
    /// as a zombie: two leaked processes per start.
    private func killNode() {
        for pid in Set(listeningPIDs() + nodePIDs()) { kill(pid, SIGKILL) }
        launcher?.kill()
    }

    /// Every process of this node, found by the node name in its environment (the shell, the
    /// VM, its helpers); never epmd, which the shared broker may be using too.
    private func nodePIDs() -> [Int32] {
        let marker = Array("RABBITMQ_NODENAME=\(node)\0".utf8)
        var pids: [Int32] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), pid != getpid(),
                let comm = try? String(contentsOfFile: "/proc/\(name)/comm", encoding: .utf8), !comm.hasPrefix("epmd"),
                let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ")
            else { continue }
            if [UInt8](environ).firstRange(of: marker) != nil { pids.append(pid) }
        }
        return pids
    }
}
