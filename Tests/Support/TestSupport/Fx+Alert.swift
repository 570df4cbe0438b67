import AlertCore
import Foundation

extension Fx {
    /// A normalized Alertmanager alert with `labels`, firing unless `status` says otherwise.
    public static func alert(
        _ title: String, fingerprint: String? = nil, status: AlertStatus = .firing, labels: [String: String] = ["team": "db"],
        id: String = UUID().uuidString
    ) -> Alert {
        Alert(
            id: id, source: "alertmanager", integration: "test-am", status: status, fingerprint: fingerprint ?? "fp-\(title)",
            title: title, message: "", severity: "critical", labels: labels, annotations: [:], startsAt: "2026-01-01T00:00:00Z",
            endsAt: status == .resolved ? "2026-01-01T01:00:00Z" : nil, receivedAt: Timestamps.format(Date()), links: [])
    }
}
