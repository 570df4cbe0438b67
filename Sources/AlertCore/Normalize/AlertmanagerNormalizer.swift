import Foundation

/// Prometheus Alertmanager webhook (`version` "4", and "3" without `groupKey`/`fingerprint`).
/// One request is one group: each element of `alerts` becomes one alert.
public enum AlertmanagerNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        let envelope = try PayloadObject(body, path: "$")
        guard let elements = try envelope.array("alerts") else {
            throw PayloadError(path: "$.alerts", reason: "missing field; an Alertmanager webhook carries an array of alerts")
        }
        if elements.isEmpty { throw PayloadError(path: "$.alerts", reason: "empty array; nothing to notify") }

        let groupStatus = try envelope.string("status")
        var fields: [String: String] = [:]
        fields["groupKey"] = try envelope.string("groupKey")
        fields["receiver"] = try envelope.string("receiver")
        if let truncated = try envelope.number("truncatedAlerts"), truncated > 0 {
            fields["truncatedAlerts"] = String(Int(truncated))
        }
        let externalURL = try envelope.string("externalURL").flatMap(usableURL)
        if let externalURL { fields["externalURL"] = externalURL }
        let commonAnnotations = try envelope.stringMap("commonAnnotations")

        var alerts: [Alert] = []
        alerts.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            let a = try PayloadObject(element, path: "$.alerts[\(i)]")
            let labels = try a.stringMap("labels")
            var annotations = commonAnnotations
            annotations.merge(try a.stringMap("annotations")) { _, own in own }

            let statusText = try a.string("status") ?? groupStatus ?? "firing"
            guard let status = AlertStatus(rawValue: statusText) else {
                throw PayloadError(path: a.childPath("status"), reason: "expected \"firing\" or \"resolved\", got \"\(statusText)\"")
            }
            let startsAt = try a.string("startsAt").flatMap { Timestamps.isUnset($0) ? nil : $0 }
                ?? Timestamps.format(context.receivedAt)
            let endsAtText = try a.string("endsAt")
            let endsAt: String? = status == .resolved ? (Timestamps.isUnset(endsAtText) ? Timestamps.format(context.receivedAt) : endsAtText) : nil

            var links: [AlertLink] = []
            if let url = try a.string("generatorURL").flatMap(usableURL) { links.append(AlertLink(title: "Source", url: url)) }
            if let url = annotations["runbook_url"].flatMap(usableURL) { links.append(AlertLink(title: "Runbook", url: url)) }
            if let externalURL { links.append(AlertLink(title: "Alertmanager", url: externalURL)) }

            let title = annotations["summary"] ?? labels["alertname"] ?? "Alert from \(context.integration)"
            let message = annotations["description"] ?? annotations["message"] ?? annotations["summary"] ?? ""
            let fingerprint = try a.string("fingerprint").flatMap { $0.isEmpty ? nil : $0 } ?? Fingerprint.ofLabels(labels)

            alerts.append(Alert(
                id: context.makeID(), source: IntegrationKind.alertmanager.rawValue, integration: context.integration,
                status: status, fingerprint: fingerprint, title: title, message: message,
                severity: labels["severity"] ?? "unknown", labels: labels, annotations: annotations,
                startsAt: startsAt, endsAt: endsAt, receivedAt: Timestamps.format(context.receivedAt),
                links: links, fields: fields))
        }
        return alerts
    }

    /// Alertmanager sends `""` or `http://:9093` when it does not know its own URL.
    static func usableURL(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t.hasPrefix("http://:") || t.hasPrefix("https://:") { return nil }
        return t
    }
}
