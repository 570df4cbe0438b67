import AMQP
import AlertCore
import Foundation
import Testing
import TestSupport

/// The real executables, end to end: gateway → dedup → router → email → a real SMTP server.
@Suite(.serialized) struct FleetExecutablesTests {
    let logDir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-fleet-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    struct Fleet {
        var gateway: ChildProcess
        var workers: [String: ChildProcess]
        var gatewayPort: Int
        var healthPorts: [String: Int]
        var configPath: String
        var namespace: String
    }

    func writeConfig(namespace: String, gatewayPort: Int, smtpPort: Int, window: String = "1h") throws -> String {
        let yaml = TestEnvironment.configYAML(
            namespace: namespace,
            extra: """
                email:
                  host: 127.0.0.1
                  port: \(smtpPort)
                  from: Klaxon <klaxon@example.com>
                  message_id_domain: klaxon.test
                router:
                  default:
                    notify:
                      email: [oncall@example.com]
                      dingtalk: [fleet-dingtalk]
                chat:
                  robots:
                    - name: fleet-dingtalk
                      platform: dingtalk
                      webhook_env: FLEET_DINGTALK_WEBHOOK
                      secret_env: FLEET_DINGTALK_SECRET
                      mention_mobiles: ["13800138000"]
                """
        ).replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(gatewayPort)")
            .replacingOccurrences(of: "window: 1s", with: "window: \(window)")
        let path = logDir.appendingPathComponent("klaxon-\(namespace).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func startWorker(_ name: String, config: String, port: Int, chat: ChatSink, args: [String] = []) throws -> ChildProcess {
        try ChildProcess(
            try TestEnvironment.binary(name), ["--config", config, "--health-listen", "127.0.0.1:\(port)"] + args,
            environment: environment(chat), logDir: logDir)
    }

    func environment(_ chat: ChatSink) -> [String: String] {
        ["FLEET_DINGTALK_WEBHOOK": chat.dingTalkURL, "FLEET_DINGTALK_SECRET": ChatSink.dingTalkSecret, "TEST_TOKEN": TestEnvironment.token]
    }

    func start(smtpPort: Int, chat: ChatSink) async throws -> Fleet {
        _ = try TestEnvironment.broker()
        _ = try TestEnvironment.redis()
        let ns = TestEnvironment.namespace()
        let gatewayPort = freePort()
        let config = try writeConfig(namespace: ns, gatewayPort: gatewayPort, smtpPort: smtpPort)
        let gateway = try ChildProcess(
            try TestEnvironment.binary("klaxon-gateway"), ["--config", config], environment: environment(chat), logDir: logDir)
        var workers: [String: ChildProcess] = [:]
        var ports: [String: Int] = [:]
        for name in ["klaxon-dedup", "klaxon-router", "klaxon-email", "klaxon-chat"] {
            ports[name] = freePort()
            workers[name] = try startWorker(
                name, config: config, port: ports[name]!, chat: chat,
                args: name == "klaxon-chat" ? ["--channel", "dingtalk"] : [])
        }
        let fleet = Fleet(gateway: gateway, workers: workers, gatewayPort: gatewayPort, healthPorts: ports, configPath: config, namespace: ns)
        do {
            try await waitReady("http://127.0.0.1:\(gatewayPort)/readyz", gateway)
            for (name, port) in ports { try await waitReady("http://127.0.0.1:\(port)/readyz", workers[name]!) }
        } catch {
            kill(fleet)  // the caller never gets the fleet, so nobody else would stop these
            throw error
        }
        return fleet
    }

    func waitReady(_ url: String, _ p: ChildProcess) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let r = try? await http("GET", url), r.status == 200 { return }
            if !p.isRunning { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(p.name) not ready at \(url); log:\n\(p.log)")
    }

    func stop(_ fleet: Fleet) async -> [String: Int32] {
        var codes: [String: Int32] = [:]
        for p in [fleet.gateway] + Array(fleet.workers.values) { p.signal(SIGTERM) }
        for p in [fleet.gateway] + Array(fleet.workers.values) { codes[p.name] = await p.wait() }
        if let config = try? TestEnvironment.config(namespace: fleet.namespace) { TestEnvironment.removeTopology(config) }
        return codes
    }

    /// For `defer`: kills whatever still runs and removes the topology, synchronously.
    func kill(_ fleet: Fleet) {
        for p in [fleet.gateway] + Array(fleet.workers.values) { p.kill() }
        if let config = try? TestEnvironment.config(namespace: fleet.namespace) { TestEnvironment.removeTopology(config) }
    }

    func post(_ fleet: Fleet, _ body: Data) async throws -> HTTPResult {
        try await http("POST", "http://127.0.0.1:\(fleet.gatewayPort)/integrations/alertmanager/\(TestEnvironment.token)", body: body)
    }

    func metric(_ fleet: Fleet, _ worker: String, _ line: String) async throws -> Double {
        let text = String(decoding: try await http("GET", "http://127.0.0.1:\(fleet.healthPorts[worker]!)/metrics").body, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last!) } ?? 0
    }

    @Test func anAlertBecomesAnEmailOnceAndItsResolutionAnother() async throws {
        let sink = try await MailSink.start()
        defer { sink.stop() }
        let chat = try await ChatSink.start()
        defer { chat.stop() }
        let fleet = try await start(smtpPort: sink.port, chat: chat)
        var stopped = false
        defer { if !stopped { kill(fleet) } }

        let firing = try TestEnvironment.sample("alertmanager/constructed_am_firing_russian_annotations.json")
        let r = try await post(fleet, firing)
        #expect(r.status == 202)
        let count = try #require(r.json["accepted"] as? Int)
        let first = try await sink.waitForMessages(count)
        #expect(first.count == count)
        let mail = try #require(first.first)
        let parsed = try ParsedMail(mail)
        let subject = try ParsedMail.decode(try #require(parsed.header("Subject")))
        #expect(subject.contains("FIRING"))
        #expect(subject.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) }, "Cyrillic must survive: \(subject)")
        #expect(parsed.header("To")?.contains("oncall@example.com") == true)

        // The same alert reached the DingTalk robot, signed, with the @mention in the text.
        var pages: [[String: Any]] = []
        let chatDeadline = Date().addingTimeInterval(20)
        while pages.count < count && Date() < chatDeadline {
            pages = try await chat.requests()
            if pages.count < count { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(pages.count == count)
        #expect(pages.allSatisfy { $0["verdict"] as? String == "ok" }, "\(pages)")
        let markdown = (pages.first?["body"] as? [String: Any])?["markdown"] as? [String: Any]
        #expect((markdown?["text"] as? String)?.contains("@13800138000") == true)

        // The same alert again inside the window: suppressed, no second e-mail.
        #expect(try await post(fleet, firing).status == 202)
        let dedup = "klaxon_dedup_decisions_total{decision=\"suppressed\"}"
        let deadline = Date().addingTimeInterval(20)
        while try await metric(fleet, "klaxon-dedup", dedup) < Double(count) && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await metric(fleet, "klaxon-dedup", dedup) == Double(count))
        #expect(sink.messages().count == count)

        // Resolved: its own e-mail.
        var resolved = try #require(try JSONSerialization.jsonObject(with: firing) as? [String: Any])
        resolved["status"] = "resolved"
        resolved["alerts"] = (resolved["alerts"] as! [[String: Any]]).map { a in
            var a = a
            a["status"] = "resolved"
            a["endsAt"] = "2026-11-21T10:00:00Z"
            return a
        }
        #expect(try await post(fleet, try JSONSerialization.data(withJSONObject: resolved)).status == 202)
        let all = try await sink.waitForMessages(count * 2)
        #expect(all.count == count * 2)
        #expect(try ParsedMail.decode(try ParsedMail(all.last!).header("Subject") ?? "").contains("RESOLVED"))

        // SIGTERM: every process drains and exits 0.
        let codes = await stop(fleet)
        stopped = true
        sink.stop()
        chat.stop()
        #expect(codes.values.allSatisfy { $0 == 0 }, "exit codes: \(codes)")
    }

    @Test func aWorkerKilledBeforeItsAckLosesNothing() async throws {
        // The sink stalls at RCPT, so the e-mail worker is mid-delivery, holding the notification
        // unacked, when it is killed.
        let slow = try await MailSink.start(["--delay-rcpt", "4"])
        defer { slow.stop() }
        let chat = try await ChatSink.start()
        defer { chat.stop() }
        let fleet = try await start(smtpPort: slow.port, chat: chat)
        var current = fleet
        defer { kill(current) }
        let conn = try TestEnvironment.broker()
        let queue = Topology(namespace: fleet.namespace).notifyQueue(.email)

        #expect(try await post(fleet, try TestEnvironment.sample("alertmanager/am_firing_single_blackbox_probe.json")).status == 202)
        // Mid-delivery: the sink has the RCPT of the notification, the router emitted exactly
        // one, and none is ready in the queue (the worker holds it).
        try await slow.waitForRecipient("oncall@example.com")
        let routed = "klaxon_router_notifications_total{channel=\"email\",route=\"default\"}"
        #expect(try await metric(fleet, "klaxon-router", routed) == 1)
        #expect(try conn.inspectQueue(queue).messages == 0, "the notification is with the worker, not ready in the queue")
        let email = fleet.workers["klaxon-email"]!
        email.signal(SIGKILL)
        await email.wait()
        #expect(email.wasKilledBySignal)
        #expect(slow.storedCount == 0, "the kill came before the message was sent")
        // The broker requeues what the dead connection held unacked: that one notification.
        try await waitFor("the killed worker's unacked notification back in \(queue)") { try conn.inspectQueue(queue).messages == 1 }

        // Restarted, the worker gets the notification again and delivers it.
        let restarted = try startWorker("klaxon-email", config: fleet.configPath, port: fleet.healthPorts["klaxon-email"]!, chat: chat)
        current.workers["klaxon-email"] = restarted
        let got = try await slow.waitForMessages(1, seconds: 40)
        #expect(got.count == 1)
        _ = await stop(current)
        #expect(slow.storedCount == 1)
    }

    @Test func aBadConfigStopsTheProcessWithThePathOfTheBadKey() async throws {
        let path = logDir.appendingPathComponent("bad.yaml").path
        try "broker:\n  prefetch: lots\nrouter:\n  routes:\n    - name: x\n      match:\n        - label: a\n          regex: '('\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        for name in ["klaxon-gateway", "klaxon-dedup", "klaxon-router", "klaxon-email", "klaxon-chat"] {
            let p = try ChildProcess(
                try TestEnvironment.binary(name), ["--config", path] + (name == "klaxon-chat" ? ["--channel", "dingtalk"] : []), logDir: logDir)
            #expect(await p.wait() == 1)
            #expect(p.log.contains("broker.prefetch"), "\(name): \(p.log)")
            #expect(p.log.contains("router.routes[0].match[0].regex"))
        }
        let usage = try ChildProcess(try TestEnvironment.binary("klaxon-router"), ["--bogus"], logDir: logDir)
        #expect(await usage.wait() == 2)
        #expect(usage.log.contains("unknown option --bogus"))
    }
}
