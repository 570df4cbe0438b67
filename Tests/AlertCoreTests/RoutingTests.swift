import AlertCore
import Foundation
import Testing
import YAMLConfig

func alert(_ labels: [String: String], status: AlertStatus = .firing, source: String = "alertmanager", id: String = "id-1") -> Alert {
    Alert(
        id: id, source: source, integration: "prod", status: status, fingerprint: Fingerprint.ofLabels(labels), title: labels["alertname"] ?? "t",
        message: "", severity: labels["severity"] ?? "unknown", labels: labels, annotations: [:], startsAt: "2026-01-01T00:00:00Z",
        endsAt: nil, receivedAt: "2026-01-01T00:00:01Z", links: [], fields: ["service": "payment-service"])
}

@Suite struct RoutingTests {
    static let config = try! ConfigLoader.parse(
        """
        router:
          routes:
            - name: database
              match:
                - label: team
                  equals: database
              notify:
                email: [dba@example.com]
            - name: critical
              match:
                - label: severity
                  regex: critical|page
                - field: source
                  any_of: [alertmanager, grafana]
              notify:
                email: [oncall@example.com, lead@example.com]
              continue: true
            - name: payments
              match:
                - field: service
                  contains: payment
              notify:
                email: [pay@example.com, oncall@example.com]
            - name: staging-excluded
              match:
                - label: env
                  not_equals: prod
              notify:
                email: [staging@example.com]
          default:
            notify:
              email: [ops@example.com]
        """, environment: [:]
    ).router

    @Test(arguments: [
        (["team": "database", "env": "prod"], ["database:dba@example.com"]),
        (["severity": "critical", "env": "prod"], ["critical:oncall@example.com", "critical:lead@example.com", "payments:pay@example.com"]),
        (["severity": "criticality", "env": "prod"], ["payments:pay@example.com", "payments:oncall@example.com"]),
        (["severity": "page", "env": "prod"], ["critical:oncall@example.com", "critical:lead@example.com", "payments:pay@example.com"]),
    ])
    func routes(labels: [String: String], expected: [String]) {
        let got = AlertRouter.notifications(for: alert(labels), config: Self.config).map { "\($0.route):\($0.recipients[0])" }
        #expect(got == expected)
    }

    @Test func regexIsAnchored() {
        let m = Matcher(subject: .label("severity"), test: .regex(Matcher.compile("crit")!, source: "crit"))
        #expect(!m.matches(alert(["severity": "critical"])))
        #expect(m.matches(alert(["severity": "crit"])))
    }

    @Test func defaultRouteWhenNothingMatches() {
        var config = Self.config
        config.routes.removeAll { $0.name == "payments" || $0.name == "staging-excluded" }
        let got = AlertRouter.notifications(for: alert(["team": "web"]), config: config)
        #expect(got.map(\.route) == ["default"])
        #expect(got.map(\.recipients) == [["ops@example.com"]])
    }

    @Test func notificationIdsAreStablePerAlertAndDistinctPerRecipient() {
        let a = AlertRouter.notifications(for: alert(["severity": "critical", "env": "prod"]), config: Self.config)
        let b = AlertRouter.notifications(for: alert(["severity": "critical", "env": "prod"]), config: Self.config)
        #expect(a.map(\.id) == b.map(\.id))
        #expect(Set(a.map(\.id)).count == a.count)
        let other = AlertRouter.notifications(for: alert(["severity": "critical", "env": "prod"], id: "id-2"), config: Self.config)
        #expect(Set(other.map(\.id)).isDisjoint(with: a.map(\.id)))
    }
}

@Suite struct DeliveryDecisionTests {
    let policy = RetryPolicy(delaysMillis: [10_000, 60_000])

    @Test func successAcks() { #expect(policy.decide(.success(()), attempt: 1) == .ack) }

    @Test func transientRetriesWithBackoffThenDeadLetters() {
        let e = DeliveryError.transient(.serverError, "451 try later")
        #expect(policy.decide(.failure(e), attempt: 1) == .retry(delayMillis: 10_000))
        #expect(policy.decide(.failure(e), attempt: 2) == .retry(delayMillis: 60_000))
        guard case .deadLetter(let reason) = policy.decide(.failure(e), attempt: 3) else { Issue.record("expected dead letter"); return }
        #expect(reason.contains("gave up after 3 attempts"))
        #expect(reason.contains("451 try later"))
    }

    @Test func aCopyHeldByAnotherSenderWaitsWithoutUsingAnAttempt() {
        let held = DeliveryError.transient(.inProgress, "held elsewhere")
        #expect(policy.decide(.failure(held), attempt: 1) == .wait(delayMillis: 10_000))
        #expect(policy.decide(.failure(held), attempt: 9) == .wait(delayMillis: 10_000), "waiting never runs out of attempts")
        guard case .deadLetter = RetryPolicy(delaysMillis: []).decide(.failure(held), attempt: 1) else {
            Issue.record("no delay queue: dead letter"); return
        }
    }

    @Test func permanentDeadLettersAtOnce() {
        let e = DeliveryError.permanent(.clientError, "550 no such mailbox")
        #expect(policy.decide(.failure(e), attempt: 1) == .deadLetter(reason: "permanent clientError: 550 no such mailbox"))
    }

    @Test(
        arguments: [
            (200, nil), (429, "transient"), (408, "transient"), (500, "transient"), (503, "transient"), (400, "permanent"), (401, "permanent"),
            (404, "permanent"),
        ] as [(Int, String?)])
    func httpStatusClassification(status: Int, kind: String?) {
        #expect(DeliveryError.classifyHTTP(status: status, detail: "x")?.kind.rawValue == kind)
    }
}
