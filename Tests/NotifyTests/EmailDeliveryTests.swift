@testable import AlertCore
import Foundation
import Notify
import Testing
import TestSupport

/// End to end against the real aiosmtpd sink (scripts/sinks/mail_sink.py), started per test on
/// 127.0.0.1 and a free port. A sink that cannot start fails the test with its reason.
@Suite("E-mail delivery against the aiosmtpd sink")
struct EmailDeliveryTests {
    static let password = "hunter2-Sup3r-secret"

    func deliveryError(_ body: () async throws -> Void) async -> DeliveryError? {
        do {
            try await body()
            Issue.record("send succeeded but should have failed")
            return nil
        } catch let e as DeliveryError {
            return e
        } catch {
            Issue.record("expected DeliveryError, got \(type(of: error)): \(error)")
            return nil
        }
    }

    func expectNoSecret(_ e: DeliveryError?) {
        guard let e else { return }
        let b64 = Data(Self.password.utf8).base64EncodedString()
        #expect(!e.detail.contains(Self.password) && !e.description.contains(Self.password), "password leaked: \(e)")
        #expect(!e.detail.contains(b64), "base64 password leaked: \(e)")
    }

    @Test func plainSendArrivesWithHeadersAndThreads() async throws {
        let sink = try await MailSink.start()
        defer { sink.stop() }
        let notifier = try EmailNotifier(config: Fixtures.emailConfig(port: sink.port))

        try await notifier.send(
            Fixtures.notification(
                id: "n-zh", title: Fixtures.chineseTitle,
                recipients: ["oncall@example.com", "Lead 主管 <lead@example.com>"]))
        try await notifier.send(Fixtures.notification(id: "n-ru", status: .resolved, title: Fixtures.russianTitle))

        let first = try await sink.message(1)
        #expect(first.mailFrom == "klaxon@example.com")
        #expect(first.rcptTos == ["oncall@example.com", "lead@example.com"])
        #expect(first.tls == "no")
        let zh = try ParsedMail(first.eml)
        #expect(try ParsedMail.decode(zh.header("Subject")!) == "[FIRING][critical] \(Fixtures.chineseTitle)")
        #expect(zh.header("Message-ID")?.hasSuffix("@klaxon.test>") == true)
        #expect(try zh.parts().map(\.type) == ["text/plain; charset=UTF-8", "text/html; charset=UTF-8"])
        #expect(try zh.parts()[0].text.contains(Fixtures.chineseTitle))

        let ru = try ParsedMail(try await sink.message(2).eml)
        #expect(try ParsedMail.decode(ru.header("Subject")!) == "[RESOLVED][critical] \(Fixtures.russianTitle)")
        #expect(ru.header("In-Reply-To") == zh.header("References"), "resolved mail must join the firing thread")
    }

    @Test func startTLSWithAuth() async throws {
        let dir = try TestEnvironment.temporaryDirectory("cert")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try TestCertificate.selfSigned(in: dir)
        let sink = try await MailSink.start(["--starttls", "--cert", cert, "--key", key, "--auth", "alice:\(Self.password)"])
        defer { sink.stop() }
        let notifier = try EmailNotifier(
            config: Fixtures.emailConfig(
                port: sink.port, security: .starttls, username: "alice", password: Self.password))
        try await notifier.send(Fixtures.notification(title: Fixtures.russianTitle))
        let m = try await sink.message(1)
        #expect(m.tls == "yes")
        #expect(m.authUser == "alice")
        #expect(try ParsedMail.decode(try ParsedMail(m.eml).header("Subject")!).hasSuffix(Fixtures.russianTitle))
    }

    @Test func implicitTLSWithAuth() async throws {
        let dir = try TestEnvironment.temporaryDirectory("cert")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try TestCertificate.selfSigned(in: dir)
        let sink = try await MailSink.start(["--tls", "--cert", cert, "--key", key, "--auth", "alice:\(Self.password)"])
        defer { sink.stop() }
        let notifier = try EmailNotifier(
            config: Fixtures.emailConfig(
                port: sink.port, security: .tls, username: "alice", password: Self.password))
        for i in 1...3 { try await notifier.send(Fixtures.notification(id: "n-\(i)")) }  // reuses connections
        for i in 1...3 {
            let m = try await sink.message(i)
            #expect(m.tls == "yes" && m.authUser == "alice")
        }
    }

    @Test func wrongPasswordIsPermanentAuthErrorWithoutThePassword() async throws {
        let dir = try TestEnvironment.temporaryDirectory("cert")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (cert, key) = try TestCertificate.selfSigned(in: dir)
        let sink = try await MailSink.start(["--starttls", "--cert", cert, "--key", key, "--auth", "alice:right-password"])
        defer { sink.stop() }
        let notifier = try EmailNotifier(
            config: Fixtures.emailConfig(
                port: sink.port, security: .starttls, username: "alice", password: Self.password))
        let e = await deliveryError { try await notifier.send(Fixtures.notification()) }
        #expect(e?.kind == .permanent && e?.reason == .authError, "got \(String(describing: e))")
        #expect(e?.detail.contains("535") == true && e?.detail.contains("alice") == true)
        expectNoSecret(e)
        #expect(sink.storedCount == 0)
    }

    @Test func rejectedMailboxIsPermanent() async throws {
        let sink = try await MailSink.start(["--fail-rcpt", "bounce@example.com=550"])
        defer { sink.stop() }
        let notifier = try EmailNotifier(config: Fixtures.emailConfig(port: sink.port))
        let e = await deliveryError { try await notifier.send(Fixtures.notification(recipients: ["bounce@example.com"])) }
        #expect(e?.kind == .permanent && e?.reason == .clientError, "got \(String(describing: e))")
        #expect(e?.detail.contains("550") == true && e?.detail.contains("bounce@example.com") == true, "\(String(describing: e))")
        // The handle is still usable after a refusal.
        try await notifier.send(Fixtures.notification(recipients: ["ok@example.com"]))
        #expect(try await sink.message(1).rcptTos == ["ok@example.com"])
    }

    @Test func busyMailboxIsTransient() async throws {
        let sink = try await MailSink.start(["--fail-rcpt", "busy@example.com=451"])
        defer { sink.stop() }
        let notifier = try EmailNotifier(config: Fixtures.emailConfig(port: sink.port))
        let e = await deliveryError { try await notifier.send(Fixtures.notification(recipients: ["busy@example.com"])) }
        #expect(e?.kind == .transient && e?.reason == .serverError, "got \(String(describing: e))")
        #expect(e?.detail.contains("451") == true)
    }

    @Test func serverDownIsTransientNetworkError() async throws {
        let port = freePort()
        let notifier = try EmailNotifier(
            config: Fixtures.emailConfig(
                port: port, security: .starttls, username: "alice", password: Self.password))
        let e = await deliveryError { try await notifier.send(Fixtures.notification()) }
        #expect(e?.kind == .transient && e?.reason == .network, "got \(String(describing: e))")
        #expect(e?.detail.contains("127.0.0.1:\(port)") == true)
        expectNoSecret(e)
    }

    @Test func silentServerIsTransientTimeout() async throws {
        let silent = try SilentListener()
        defer { withExtendedLifetime(silent) {} }
        let notifier = try EmailNotifier(config: Fixtures.emailConfig(port: silent.port, timeoutMillis: 1000))
        let started = ContinuousClock.now
        let e = await deliveryError { try await notifier.send(Fixtures.notification()) }
        #expect(e?.kind == .transient && e?.reason == .timeout, "got \(String(describing: e))")
        // Not a speed assertion: the configured 1 s, not curl's default of minutes, ended it.
        // The bound is generous so a loaded machine cannot fail it.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test func startTLSRequiredButNotOfferedIsPermanent() async throws {
        let sink = try await MailSink.start()
        defer { sink.stop() }
        let notifier = try EmailNotifier(
            config: Fixtures.emailConfig(
                port: sink.port, security: .starttls, username: "alice", password: Self.password))
        let e = await deliveryError { try await notifier.send(Fixtures.notification()) }
        #expect(e?.kind == .permanent && e?.reason == .clientError, "got \(String(describing: e))")
        #expect(e?.detail.contains("STARTTLS") == true)
        expectNoSecret(e)
        #expect(sink.storedCount == 0, "nothing may be sent in clear")
    }

    @Test func concurrentSendsOverlapUpToTheConfiguredConcurrency() async throws {
        // The sink holds each message half a second in DATA and records how many it held at
        // once (`concurrent`): a notifier sending one message at a time never has two there,
        // however fast or slow the machine. No clock is read by the test.
        let sink = try await MailSink.start(["--delay-data", "0.5"])
        defer { sink.stop() }
        let notifier = try EmailNotifier(config: Fixtures.emailConfig(port: sink.port, concurrency: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<12 { group.addTask { try await notifier.send(Fixtures.notification(id: "c-\(i)", title: "Concurrent \(i)")) } }
            try await group.waitForAll()
        }
        var received: [MailSink.Received] = []
        for seq in 1...12 { received.append(try await sink.message(seq)) }
        #expect(sink.storedCount == 12)
        let subjects = try received.map { try ParsedMail.decode(try ParsedMail($0.eml).header("Subject") ?? "") }
        #expect(Set(subjects) == Set((0..<12).map { "[FIRING][critical] Concurrent \($0)" }), "every notification arrives once")
        let peak = received.map(\.concurrent).max() ?? 0
        #expect(peak >= 2, "the sink never held two messages at once: sends did not overlap (\(received.map(\.concurrent)))")
        #expect(peak <= 3, "more parallel sessions than email.concurrency (3): \(received.map(\.concurrent))")
    }
}
