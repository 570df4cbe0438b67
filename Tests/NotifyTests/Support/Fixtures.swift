@testable import AlertCore
import Foundation

/// Sample alerts and configs for the e-mail tests.
enum Fixtures {
    static func notification(
        id: String = "n-0001", status: AlertStatus = .firing, title: String = "High CPU on db-1",
        recipients: [String] = ["oncall@example.com"], fingerprint: String = "4f2a9c1be0d3a777",
        startsAt: String = "2026-01-02T08:30:12Z", suppressedRepeats: Int? = nil
    ) -> AlertNotification {
        let alert = Alert(
            id: "a-\(id)", source: "alertmanager", integration: "prod-am", status: status, fingerprint: fingerprint,
            title: title, message: "CPU above 90% for 10m <check> & \"act\"", severity: "critical",
            labels: ["instance": "db-1:9100", "alertname": "HighCPU", "team": "dba"],
            annotations: ["summary": "CPU is <b>hot</b>", "runbook": "see wiki"],
            startsAt: startsAt, endsAt: status == .resolved ? "2026-01-02T09:00:00Z" : nil,
            receivedAt: "2026-01-02T08:30:13Z",
            links: [
                AlertLink(title: "Dashboard", url: "https://grafana.example.com/d/x?a=1&b=2"),
                AlertLink(title: "Evil", url: "javascript:alert(1)"),
            ],
            suppressedRepeats: suppressedRepeats)
        return AlertNotification(id: id, channel: "email", recipients: recipients, route: "dba", alert: alert)
    }

    /// `email:` config for a sink on 127.0.0.1 (EmailConfig's memberwise init is internal).
    static func emailConfig(
        port: Int, security: EmailConfig.Security = .none, username: String? = nil, password: String? = nil,
        timeoutMillis: Int64 = 10_000, concurrency: Int = 2
    ) -> EmailConfig {
        EmailConfig(
            host: "127.0.0.1", port: port, security: security, username: username, password: password,
            from: "Klaxon 告警 <klaxon@example.com>", messageIDDomain: "klaxon.test",
            timeoutMillis: timeoutMillis, concurrency: concurrency, verifyTLS: false)
    }

    static let chineseTitle = "数据库主节点 CPU 使用率过高，请立即处理：订单服务响应变慢，支付回调超时，库存同步延迟"
    static let russianTitle = "Высокая загрузка процессора на сервере базы данных — срочно проверьте репликацию и очереди"
}
