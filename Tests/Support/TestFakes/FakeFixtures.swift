import AMQP
import AlertCore
import YAMLConfig

/// Configs and messages for the fake-backed tests.
public enum FakeFixtures {
    /// A config for namespace `ns` with retry delays 10s and 1m, plus `extra` YAML sections
    /// (whole top-level sections, e.g. `dedup:` or `router:`); `environment` resolves `*_env`
    /// secrets. Nothing is connected to.
    public static func config(namespace ns: String = "t", extra: String = "", environment: [String: String] = [:]) throws -> KlaxonConfig {
        try ConfigLoader.parse(
            """
            broker:
              url: amqp://guest:guest@127.0.0.1:1/
              namespace: \(ns)
            delivery:
              retry_delays: [10s, 1m]
            \(extra)
            """, environment: environment)
    }

    /// A normalized alert.
    public static func alert(
        _ id: String, fingerprint: String = "fp", status: AlertStatus = .firing, labels: [String: String] = [:],
        severity: String = "critical", title: String? = nil
    ) -> Alert {
        Alert(
            id: id, source: "alertmanager", integration: "test", status: status, fingerprint: fingerprint, title: title ?? "alert \(id)",
            message: "", severity: severity, labels: labels, annotations: [:], startsAt: "2026-01-01T00:00:00Z", endsAt: nil,
            receivedAt: "2026-01-01T00:00:00Z", links: [])
    }

    /// A message with `body` for `queue`, on `ns`'s exchange.
    public static func message(
        _ body: [UInt8], to queue: String, namespace ns: String = "t", id: String? = nil,
        headers: [String: HeaderValue] = [:]
    ) -> OutboundMessage {
        OutboundMessage(exchange: ns, routingKey: queue, body: body, headers: headers, messageID: id)
    }
}
