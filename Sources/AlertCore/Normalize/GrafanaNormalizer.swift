import Foundation

/// Grafana alerting webhook contact point.
///
/// Unified alerting (Grafana 8+, `version` "1") is the Alertmanager group format
/// (see `AlertmanagerNormalizer` for status, fingerprint, title, message, severity, labels,
/// annotations, times) plus, per alert:
/// - `links`: `generatorURL` ("Source"), `silenceURL` ("Silence"), `dashboardURL`
///   ("Dashboard"), `panelURL` ("Panel"), `imageURL` ("Image"), annotation `runbook_url`
///   ("Runbook"), then `externalURL` ("Grafana"); empty URLs are dropped.
/// - `fields`: `values` as `B=44.2, C=1` (refIds sorted) and each as `values.<refId>`;
///   `valueString` (8.x) as sent; `orgId` (the alert's, else the envelope's), `ruleUID`; plus
///   the group's `groupKey`, `receiver`.
///   `values` may be `null`; any other non-object is a `PayloadError`.
/// - The envelope's deprecated `title`/`state`/`message` describe the whole group and are not used.
///
/// Legacy (pre-8) body (`evalMatches`, `ruleId`, `ruleName`, no `alerts`): one alert.
/// See `GrafanaLegacyNormalizer`.
public enum GrafanaNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        if isLegacy(body) { return [try GrafanaLegacyNormalizer.normalize(body, context: context)] }
        let envelopeOrg = try PayloadObject(body, path: "$").scalarText("orgId")
        return try AlertmanagerNormalizer.normalizeGroup(body, context: context, source: .grafana, externalTitle: "Grafana") {
            a, alert throws(PayloadError) in
            try addGrafanaFacts(a, to: &alert)
            if alert.fields["orgId"] == nil { alert.fields["orgId"] = envelopeOrg }
        }
    }

    /// A pre-8 body: no `alerts` key, and one of the legacy keys.
    static func isLegacy(_ body: JSONValue) -> Bool {
        guard let o = body.objectValue, o["alerts"] == nil else { return false }
        return o["evalMatches"] != nil || o["ruleId"] != nil || o["ruleName"] != nil
    }

    private static func addGrafanaFacts(_ a: PayloadObject, to alert: inout Alert) throws(PayloadError) {
        var links: [AlertLink] = []
        // Keep "Source" first (added by the group reader), then Grafana's own links.
        if let first = alert.links.first, first.title == "Source" { links.append(first) }
        for (key, title) in [("silenceURL", "Silence"), ("dashboardURL", "Dashboard"), ("panelURL", "Panel"), ("imageURL", "Image")] {
            if let url = try a.string(key).flatMap(AlertmanagerNormalizer.usableURL) { links.append(AlertLink(title: title, url: url)) }
        }
        links.append(contentsOf: alert.links.filter { $0.title != "Source" })
        alert.links = links

        if let values = try a.object("values") {
            var parts: [String] = []
            for refID in values.fields.keys.sorted() {
                guard let v = values.fields[refID], !v.isNull else { continue }
                guard let text = v.scalarText else {
                    throw PayloadError(path: values.childPath(refID), reason: "expected a number, got \(v.kindName)")
                }
                alert.fields["values.\(refID)"] = text
                parts.append("\(refID)=\(text)")
            }
            if !parts.isEmpty { alert.fields["values"] = parts.joined(separator: ", ") }
        }
        if let s = try a.string("valueString").flatMap(nonEmpty) { alert.fields["valueString"] = s }
        if let org = try a.scalarText("orgId") { alert.fields["orgId"] = org }
        if let uid = try a.string("ruleUID").flatMap(nonEmpty) { alert.fields["ruleUID"] = uid }
    }
}

/// Legacy Grafana (before unified alerting, Grafana ≤ 7): one alert per request.
///
/// Mapping (a reasonable reading of the old format, which has no per-series alerts):
/// - `status`: `state` "ok" (any case) → resolved, anything else ("alerting", "no_data",
///   "pending", "paused", absent) → firing.
/// - `fingerprint`: stable hash of `ruleId` and `ruleName` (the rule is the incident).
/// - `title`: `title`, else `ruleName`; `message`: `message`.
/// - `severity`: tag `severity`, else "unknown"; `labels`: `tags` (object of scalars, if
///   sent) plus `alertname` = `ruleName`.
/// - `fields`: `ruleId`, `ruleName`, `state`, `evalMatches` as `metric=value, …`.
/// - `links`: `ruleUrl` ("Rule"), `imageUrl` ("Image"). Times: receive time.
public enum GrafanaLegacyNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> Alert {
        let o = try PayloadObject(body, path: "$")
        let ruleName = try o.scalarText("ruleName")
        let ruleID = try o.scalarText("ruleId")
        let state = try o.string("state") ?? ""
        let status: AlertStatus = state.lowercased() == "ok" ? .resolved : .firing

        var labels: [String: String] = [:]
        if case .object? = o.fields["tags"] { labels = try o.stringMap("tags") }
        if let ruleName = nonEmpty(ruleName) { labels["alertname"] = ruleName }

        var fields: [String: String] = [:]
        fields["ruleId"] = ruleID
        fields["ruleName"] = ruleName
        if !state.isEmpty { fields["state"] = state }
        if let matches = try o.array("evalMatches") {
            var parts: [String] = []
            for (i, m) in matches.enumerated() {
                let match = try PayloadObject(m, path: "$.evalMatches[\(i)]")
                let metric = try match.scalarText("metric") ?? "value"
                let value = try match.scalarText("value") ?? "null"
                parts.append("\(metric)=\(value)")
            }
            if !parts.isEmpty { fields["evalMatches"] = parts.joined(separator: ", ") }
        }

        var links: [AlertLink] = []
        if let url = try o.string("ruleUrl").flatMap(AlertmanagerNormalizer.usableURL) { links.append(AlertLink(title: "Rule", url: url)) }
        if let url = try o.string("imageUrl").flatMap(AlertmanagerNormalizer.usableURL) { links.append(AlertLink(title: "Image", url: url)) }

        let receivedAt = Timestamps.format(context.receivedAt)
        let title = nonEmpty(try o.string("title")) ?? nonEmpty(ruleName) ?? "Alert from \(context.integration)"
        return Alert(
            id: context.makeID(), source: IntegrationKind.grafana.rawValue, integration: context.integration,
            status: status, fingerprint: Fingerprint.ofLabels(["ruleId": ruleID ?? "", "ruleName": ruleName ?? ""]),
            title: title, message: try o.string("message") ?? "", severity: nonEmpty(labels["severity"]) ?? "unknown",
            labels: labels, annotations: [:], startsAt: receivedAt, endsAt: status == .resolved ? receivedAt : nil,
            receivedAt: receivedAt, links: links, fields: fields)
    }
}
