import Foundation

/// Prometheus Alertmanager webhook (`version` "4", and legacy "3" without `groupKey`,
/// `fingerprint` and `truncatedAlerts`). One request is one group: each element of `alerts`
/// becomes one alert.
///
/// Mapping:
/// - `status`: the alert's own `status`, else the group's, else firing; anything other than
///   "firing"/"resolved" is a `PayloadError`.
/// - `fingerprint`: the alert's `fingerprint`; old senders omit it, then a stable hash of the
///   label set (`Fingerprint.ofLabels`).
/// - `title`: annotation `summary`, else `title`, else label `alertname`.
/// - `message`: annotation `description`, else `message`, else `summary`.
/// - `severity`: label `severity`, else "unknown".
/// - `labels`: the alert's labels; `annotations`: `commonAnnotations` overlaid by the alert's.
/// - `startsAt`: as sent (offset and nanoseconds kept), receive time when unset;
///   `endsAt`: as sent when resolved (receive time if unset), `nil` while firing.
/// - `links`: `generatorURL` ("Source"), annotation `runbook_url` ("Runbook"), `externalURL`.
///   Empty or host-less URLs (`http://:9093`) are dropped.
/// - `fields`: `groupKey`, `receiver` (un-regex-quoted: `web\.hook` → `web.hook`),
///   `truncatedAlerts` when > 0, `externalURL`.
public enum AlertmanagerNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        try normalizeGroup(body, context: context, source: .alertmanager, externalTitle: "Alertmanager") { _, _ throws(PayloadError) in }
    }

    /// The Alertmanager group format, shared with Grafana (which adds fields per alert).
    /// `extra` is called for each alert with its object, to add source-specific facts.
    static func normalizeGroup(
        _ body: JSONValue, context: NormalizeContext, source: IntegrationKind, externalTitle: String,
        extra: (PayloadObject, inout Alert) throws(PayloadError) -> Void
    ) throws(PayloadError) -> [Alert] {
        let envelope = try PayloadObject(body, path: "$")
        guard let elements = try envelope.array("alerts") else {
            throw PayloadError(path: "$.alerts", reason: "missing field; an \(externalTitle) webhook carries an array of alerts")
        }
        if elements.isEmpty { throw PayloadError(path: "$.alerts", reason: "empty array; nothing to notify") }

        let groupStatus = try envelope.string("status")
        var fields: [String: String] = [:]
        fields["groupKey"] = try envelope.string("groupKey")
        fields["receiver"] = try envelope.string("receiver").flatMap(nonEmpty).map(unquoteRegex)
        if let truncated = try envelope.number("truncatedAlerts"), truncated > 0 {
            fields["truncatedAlerts"] = JSONValue.number(truncated.rounded()).scalarText
        }
        let externalURL = try envelope.string("externalURL").flatMap(usableURL)
        if let externalURL { fields["externalURL"] = externalURL }
        let commonAnnotations = try envelope.stringMap("commonAnnotations")
        let receivedAt = Timestamps.format(context.receivedAt)

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
            let startsAt = try a.string("startsAt").flatMap { Timestamps.isUnset($0) ? nil : $0 } ?? receivedAt
            let endsAtText = try a.string("endsAt")
            let endsAt: String? = status == .resolved ? (Timestamps.isUnset(endsAtText) ? receivedAt : endsAtText) : nil

            var links: [AlertLink] = []
            if let url = try a.string("generatorURL").flatMap(usableURL) { links.append(AlertLink(title: "Source", url: url)) }
            if let url = annotations["runbook_url"].flatMap(usableURL) { links.append(AlertLink(title: "Runbook", url: url)) }

            let title = nonEmpty(annotations["summary"]) ?? nonEmpty(annotations["title"]) ?? nonEmpty(labels["alertname"])
                ?? "Alert from \(context.integration)"
            let message = annotations["description"] ?? annotations["message"] ?? annotations["summary"] ?? ""
            let fingerprint = try a.string("fingerprint").flatMap(nonEmpty) ?? Fingerprint.ofLabels(labels)

            var alert = Alert(
                id: context.makeID(), source: source.rawValue, integration: context.integration,
                status: status, fingerprint: fingerprint, title: title, message: message,
                severity: nonEmpty(labels["severity"]) ?? "unknown", labels: labels, annotations: annotations,
                startsAt: startsAt, endsAt: endsAt, receivedAt: receivedAt,
                links: links, fields: fields)
            try extra(a, &alert)
            if let externalURL { alert.links.append(AlertLink(title: externalTitle, url: externalURL)) }
            alerts.append(alert)
        }
        return alerts
    }

    /// Alertmanager sends `""` or `http://:9093` when it does not know its own URL. Some relays
    /// publish Go's `\u0026` escape double-escaped (a literal backslash sequence in the string);
    /// a backslash is never valid in a URL, so those three escapes are decoded here.
    static func usableURL(_ text: String) -> String? {
        var t = text.trimmingWhitespace()
        if t.isEmpty || t.hasPrefix("http://:") || t.hasPrefix("https://:") { return nil }
        if t.utf8.contains(UInt8(ascii: "\\")) && t.contains("\\u00") {
            t = t.replacingOccurrences(of: "\\u0026", with: "&")
                .replacingOccurrences(of: "\\u003c", with: "<")
                .replacingOccurrences(of: "\\u003e", with: ">")
        }
        return t
    }

    /// Alertmanager regex-quotes the receiver name in webhook data (`web\.hook`); undo it so
    /// routes can match the name as configured.
    static func unquoteRegex(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        if escaped { out.append("\\") }
        return out
    }
}

/// `nil` for `nil` or an all-whitespace string.
func nonEmpty(_ s: String?) -> String? {
    guard let s, !s.isBlank else { return nil }
    return s
}
