import Foundation

/// Grafana alerting webhook contact point.
///
/// Unified alerting (Grafana 8+, `version` "1") is the Alertmanager group format
/// (see `AlertmanagerNormalizer` for what is required, and for status, fingerprint, title,
/// message, severity, labels, annotations, times) plus, per alert, each read leniently (a wrong
/// type or `null` is the default, never a rejection):
/// - `links`: `generatorURL` ("Source"), `silenceURL` ("Silence"), `dashboardURL`
///   ("Dashboard"), `panelURL` ("Panel"), `imageURL` ("Image"), annotation `runbook_url`
///   ("Runbook"), then `externalURL` ("Grafana"); empty or non-string URLs are dropped.
/// - `fields`: `values` as `B=44.2, C=1` (refIds sorted) and each as `values.<refId>`;
///   `valueString` (8.x) as sent; `orgId` (the alert's, else the envelope's), `ruleUID`; plus
///   the group's `groupKey`, `receiver`. A `values` that is not an object is ignored, and so
///   is an entry that is not a scalar.
/// - The envelope's deprecated `title`/`state`/`message` describe the whole group and are not used.
///
/// Legacy (pre-8) body (`evalMatches`, `ruleId`, `ruleName`, no `alerts`): one alert.
/// See `GrafanaLegacyNormalizer`.
public enum GrafanaNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        if isLegacy(body) { return [try GrafanaLegacyNormalizer.normalize(body, context: context)] }
        let envelopeOrg = try PayloadObject(body, path: "$").lenientString("orgId")
        return try AlertmanagerNormalizer.normalizeGroup(body, context: context, source: .grafana, externalTitle: "Grafana") {
            a, alert in
            addGrafanaFacts(a, to: &alert)
            if alert.fields["orgId"] == nil { alert.fields["orgId"] = envelopeOrg }
        }
    }

    /// A pre-8 body: no `alerts` key, and one of the legacy keys.
    static func isLegacy(_ body: JSONValue) -> Bool {
        guard let o = body.objectValue, o["alerts"] == nil else { return false }
        return o["evalMatches"] != nil || o["ruleId"] != nil || o["ruleName"] != nil
    }

    private static func addGrafanaFacts(_ a: PayloadObject, to alert: inout Alert) {
        var links: [AlertLink] = []
        // Keep "Source" first (added by the group reader), then Grafana's own links.
        if let first = alert.links.first, first.title == "Source" { links.append(first) }
        for (key, title) in [("silenceURL", "Silence"), ("dashboardURL", "Dashboard"), ("panelURL", "Panel"), ("imageURL", "Image")] {
            if let url = a.lenientURL(key) { links.append(AlertLink(title: title, url: url)) }
        }
        links.append(contentsOf: alert.links.filter { $0.title != "Source" })
        alert.links = links

        if let values = a.lenientObject("values") {
            var parts: [String] = []
            for refID in values.fields.keys.sorted() {
                guard let text = values.lenientString(refID) else { continue }
                alert.fields["values.\(refID)"] = text
                parts.append("\(refID)=\(text)")
            }
            if !parts.isEmpty { alert.fields["values"] = parts.joined(separator: ", ") }
        }
        if let s = a.lenientString("valueString").flatMap(nonEmpty) { alert.fields["valueString"] = s }
        if let org = a.lenientString("orgId") { alert.fields["orgId"] = org }
        if let uid = a.lenientString("ruleUID").flatMap(nonEmpty) { alert.fields["ruleUID"] = uid }
    }
}

/// Legacy Grafana (before unified alerting, Grafana ≤ 7): one alert per request.
///
/// Required: the body is an object (with no `alerts`, and one of `evalMatches`, `ruleId`,
/// `ruleName`, which is how it is told apart). Everything else is read leniently: a wrong type
/// or `null` gives the default below, never a rejection.
///
/// Mapping (a reasonable reading of the old format, which has no per-series alerts):
/// - `status`: `state` "ok" (any case) → resolved, anything else ("alerting", "no_data",
///   "pending", "paused", absent) → firing.
/// - `fingerprint`: stable hash of `ruleId` and `ruleName` (the rule is the incident).
/// - `title`: `title`, else `ruleName`; `message`: `message`.
/// - `severity`: tag `severity`, else "unknown"; `labels`: `tags` (object of scalars, if
///   sent; numbers and booleans as text) plus `alertname` = `ruleName`.
/// - `fields`: `ruleId`, `ruleName`, `state`, `evalMatches` as `metric=value, …` (entries
///   that are not objects are skipped).
/// - `links`: `ruleUrl` ("Rule"), `imageUrl` ("Image"), when strings. Times: receive time.
public enum GrafanaLegacyNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> Alert {
        let o = try PayloadObject(body, path: "$")
        let ruleName = o.lenientString("ruleName")
        let ruleID = o.lenientString("ruleId")
        let state = o.lenientString("state") ?? ""
        let status: AlertStatus = state.trimmingWhitespace().lowercased() == "ok" ? .resolved : .firing

        var labels = o.lenientStringMap("tags")
        if let ruleName = nonEmpty(ruleName) { labels["alertname"] = ruleName }

        var fields: [String: String] = [:]
        fields["ruleId"] = ruleID
        fields["ruleName"] = ruleName
        if !state.isEmpty { fields["state"] = state }
        let parts = o.lenientObjects("evalMatches").map { match in
            "\(match.lenientString("metric") ?? "value")=\(match.lenientString("value") ?? "null")"
        }
        if !parts.isEmpty { fields["evalMatches"] = parts.joined(separator: ", ") }

        var links: [AlertLink] = []
        if let url = o.lenientURL("ruleUrl") { links.append(AlertLink(title: "Rule", url: url)) }
        if let url = o.lenientURL("imageUrl") { links.append(AlertLink(title: "Image", url: url)) }

        let receivedAt = Timestamps.format(context.receivedAt)
        let title = nonEmpty(o.lenientString("title")) ?? nonEmpty(ruleName) ?? "Alert from \(context.integration)"
        return Alert(
            id: context.makeID(), source: IntegrationKind.grafana.rawValue, integration: context.integration,
            status: status, fingerprint: Fingerprint.ofLabels(["ruleId": ruleID ?? "", "ruleName": ruleName ?? ""]),
            title: title, message: o.lenientString("message") ?? "", severity: nonEmpty(labels["severity"]) ?? "unknown",
            labels: labels, annotations: [:], startsAt: receivedAt, endsAt: status == .resolved ? receivedAt : nil,
            receivedAt: receivedAt, links: links, fields: fields)
    }
}
