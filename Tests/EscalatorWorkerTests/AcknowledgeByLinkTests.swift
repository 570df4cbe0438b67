import AlertCore
import Escalation
import Foundation
import TestSupport
import Testing

/// The whole path of a page's link: the escalator pages with a signed link, the gateway's page
/// shows the incident, its Acknowledge button reaches the escalator, and the climb stops.
@Suite(.serialized) struct AcknowledgeByLinkTests {
    @Test func pressingAcknowledgeOnThePagesLinkStopsTheEscalation() async throws {
        let port = freePort()
        // Long enough for a loaded machine to deliver the page and the press before bob's step
        // (with 8 s, full runs twice paged bob first).
        let wait = 25.0
        let h = try EscalatorHarness(wait: "\(Int(wait))s", gatewayPort: port)
        defer { h.cleanUp() }
        let gateway = try ChildProcess(
            try TestEnvironment.binary("klaxon-gateway"), ["--config", h.configPath], environment: EscalatorHarness.environment)
        try await waitFor("gateway ready", seconds: 30) { (try? await http("GET", "http://127.0.0.1:\(port)/readyz").status) == 200 }
        let escalator = try await h.start()

        let sent = Date()
        try h.send(.alert(Fx.alert("linked"), policy: "db"))
        let page = try #require(try await h.emails(count: 1).first)
        let link = try #require(page.incident?.link)
        #expect(link.hasPrefix("http://127.0.0.1:\(port)/incidents/"))

        // Opening the link (as a mail scanner would) changes nothing.
        let shown = try await http("GET", link)
        #expect(shown.status == 200, "\(gateway.log)")
        #expect(String(decoding: shown.body, as: UTF8.self).contains("linked"))
        // Pressing Acknowledge posts the same query to …/acknowledge.
        let url = try #require(URLComponents(string: link))
        let press = try await http("POST", "http://127.0.0.1:\(port)\(url.path)/acknowledge?\(url.percentEncodedQuery ?? "")")
        #expect([200, 303].contains(press.status), "\(press.status) \(String(decoding: press.body, as: UTF8.self))")

        try await waitFor(seconds: 10) { try await h.incident("fp-linked")?.incident.status == .acknowledged }
        let ack = try #require(try await h.incident("fp-linked")?.incident.ack)
        #expect(ack.by == "alice" && ack.via == .link)
        // Only the reports of the acknowledgement arrive; past the step's wait, bob is not paged.
        let reports = try await h.emails(count: 2, seconds: 15)  // the team and alice
        #expect(
            Set(reports.flatMap(\.recipients)) == ["team@example.com", "alice@example.com"]
                && reports.allSatisfy { $0.incident?.kind == "acknowledged" }, "\(reports.map { ($0.recipients, $0.incident?.kind ?? "") })")
        let pastTheStep = try await h.emails(until: wait + 3, after: sent)
        #expect(pastTheStep.isEmpty, "\(pastTheStep.map { ($0.recipients, $0.incident?.kind ?? "") })")
        #expect(await escalator.stop(), "\(escalator.log)")
        gateway.signal(SIGTERM)
        _ = await gateway.wait()
    }
}
