import Foundation

/// Prometheus Alertmanager webhook (`version` "4", and legacy "3" without `groupKey`,
/// `fingerprint` and `truncatedAlerts`). One request is one group: each element of `alerts`
/// becomes one alert.
///
/// Required (anything else is a `PayloadError` naming the path, answered 400): the body is an
/// object; `alerts` is present, an array and not empty; each element of `alerts` is an object.
/// Every other field is read leniently (`PayloadObject+Lenient.swift`): a wrong type, `null` or
/// an unparseable value falls back to the default below, never to a rejection.
///
/// Mapping:
/// - `status`: the alert's own `status`, else the group's, else firing. Compared trimmed and
///   case-insensitively; an unknown value ("pending", 3) fires (a page beats a lost alert) and
///   is kept as sent in `fields["originalStatus"]`.
/// - `fingerprint`: the alert's `fingerprint` (a number is taken as text); old senders omit
///   it, then a stable hash of the label set (`Fingerprint.ofLabels`).
/// - `title`: annotation `summary`, else `title`, else label `alertname`.
/// - `message`: annotation `description`, else `message`, else `summary`.
/// - `severity`: label `severity`, else "unknown".
/// - `labels`: the alert's labels; `annotations`: `commonAnnotations` overlaid by the alert's.
///   Number and boolean values are stringified (`3`, `true`); `null`, object and array values
///   are dropped; a `labels`/`annotations` that is not an object reads as empty.
/// - `startsAt`: as sent (offset and nanoseconds kept) when it is RFC 3339; the receive time
///   when unset, unparseable or not a string. `endsAt`: likewise when resolved (receive time
///   otherwise), `nil` while firing.
/// - `links`: `generatorURL` ("Source"), annotation `runbook_url` ("Runbook"), `externalURL`.
///   Empty, host-less (`http://:9093`) or non-string URLs are dropped.
/// - `fields`: `groupKey`, `receiver` (un-regex-quoted: `web\.hook` → `web.hook`),
///   `truncatedAlerts` when > 0, `externalURL`; each only when non-empty (numbers as text).
///   `version` is not read: any version is accepted.
public enum AlertmanagerNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        try normalizeGroup(body, context: context, source: .alertmanager, externalTitle: "Alertmanager") { _, _ in }
    }

    /// The Alertmanager group format, shared with Grafana (which adds fields per alert).
    /// `extra` is called for each alert with its object, to add source-specific facts.
    static func normalizeGroup(
        _ body: JSONValue, context: NormalizeContext, source: IntegrationKind, externalTitle: String,
        extra: (PayloadObject, inout Alert) -> Void
    ) throws(PayloadError) -> [Alert] {
        let envelope = try PayloadObject(body, path: "$")
        guard let elements = try envelope.array("alerts") else {
            throw PayloadError(path: "$.alerts", reason: "missing field; an \(externalTitle) webhook carries an array of alerts")
        }
        if elements.isEmpty { throw PayloadError(path: "$.alerts", reason: "empty array; nothing to notify") }

        let groupStatus = envelope.lenientString("status")
        var fields: [String: String] = [:]
        fields["groupKey"] = envelope.lenientString("groupKey").flatMap(nonEmpty)
        fields["receiver"] = envelope.lenientString("receiver").flatMap(nonEmpty).map(unquoteRegex)
        if let truncated = envelope.lenientNumber("truncatedAlerts"), truncated > 0 {
            fields["truncatedAlerts"] = JSONValue.number(truncated.rounded()).scalarText
        }
        let externalURL = envelope.lenientURL("externalURL")
        if let externalURL { fields["externalURL"] = externalURL }
        let commonAnnotations = envelope.lenientStringMap("commonAnnotations")
        let receivedAt = Timestamps.format(context.receivedAt)

        var alerts: [Alert] = []
        alerts.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            let a = try PayloadObject(element, path: "$.alerts[\(i)]")
            let labels = a.lenientStringMap("labels")
            var annotations = commonAnnotations
            annotations.merge(a.lenientStringMap("annotations")) { _, own in own }

            let (status, originalStatus) = readStatus(a.lenientString("status") ?? groupStatus)
            let startsAt = a.lenientTimestamp("startsAt") ?? receivedAt
            let endsAt: String? = status == .resolved ? (a.lenientTimestamp("endsAt") ?? receivedAt) : nil

            var links: [AlertLink] = []
            if let url = a.lenientURL("generatorURL") { links.append(AlertLink(title: "Source", url: url)) }
            if let url = annotations["runbook_url"].flatMap(usableURL) { links.append(AlertLink(title: "Runbook", url: url)) }

            let title =
                nonEmpty(annotations["summary"]) ?? nonEmpty(annotations["title"]) ?? nonEmpty(labels["alertname"])
                ?? "Alert from \(context.integration)"
            let message = annotations["description"] ?? annotations["message"] ?? annotations["summary"] ?? ""
            let fingerprint = a.lenientString("fingerprint").flatMap(nonEmpty) ?? Fingerprint.ofLabels(labels)

            var alert = Alert(
                id: context.makeID(), source: source.rawValue, integration: context.integration,
                status: status, fingerprint: fingerprint, title: title, message: message,
                severity: nonEmpty(labels["severity"]) ?? "unknown", labels: labels, annotations: annotations,
                startsAt: startsAt, endsAt: endsAt, receivedAt: receivedAt,
                links: links, fields: fields)
            alert.fields["originalStatus"] = originalStatus
            extra(a, &alert)
            if let externalURL { alert.links.append(AlertLink(title: externalTitle, url: externalURL)) }
            alerts.append(alert)
        }
        return alerts
    }

    /// The status a sender meant: "firing"/"resolved" trimmed and in any case; absent fires.
    /// Anything else fires too (a page beats a lost alert) and is returned as `original`, for
    /// `fields["originalStatus"]`.
    static func readStatus(_ text: String?) -> (status: AlertStatus, original: String?) {
        guard let text else { return (.firing, nil) }
        if let status = AlertStatus(rawValue: text.trimmingWhitespace().lowercased()) { return (status, nil) }
        return (.firing, text)
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
