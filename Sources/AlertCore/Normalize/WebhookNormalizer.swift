import Foundation

/// Generic JSON webhook (`webhook`): any sender that can POST JSON. One alert per request.
///
/// With a `mapping` (`NormalizeOptions.webhookMapping`), each mapped field is read from its
/// path; the body may then be any JSON value (a path may start with an index: `[0].title`).
/// Without one, the body must be an object and Grafana OnCall's generic webhook semantics apply.
///
/// Required (else a `PayloadError` naming `$`, answered 400): without a mapping, the body is an
/// object. Nothing else is: every mapped path and default key is optional, and its value is
/// read leniently (`JSONPath.text`): numbers and booleans as text; `null`, objects and arrays
/// read as absent, so the default below applies.
///
/// Mapping (path if mapped, else the default key):
/// - `title` (default key `title`); when absent, the first line of the message (up to 120
///   characters), else "Alert from <integration>".
/// - `message` (default `message`), else "".
/// - `severity` (default `severity`), else "unknown".
/// - `status` (default `state`): with a mapping, resolved when the trimmed value is one of
///   `resolved_values` (exact match; default "resolved", "ok", "OK"); without one, resolved
///   when the upper-cased value is "OK" (OnCall). Anything else, or absent, fires.
/// - `fingerprint`: the mapped path's value; else a stable hash of the title
///   (`Fingerprint.hash`), so repeats of one title dedup together.
/// - `labels`: each mapped label whose path is present.
/// - `links`: top-level `url` ("Details") when http(s). Times: the receive time.
/// - `fields["status"]`: the status value as sent.
public enum WebhookNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        let mapping = context.options.webhookMapping
        if mapping == nil { _ = try PayloadObject(body, path: "$") }

        let message = (mapping?.message ?? .key("message")).text(in: body) ?? ""
        let title =
            nonEmpty((mapping?.title ?? .key("title")).text(in: body))
            ?? firstLine(message) ?? "Alert from \(context.integration)"
        let severity = nonEmpty((mapping?.severity ?? .key("severity")).text(in: body)) ?? "unknown"
        let statusText = (mapping?.status ?? .key("state")).text(in: body)
        let resolved: Bool
        if let mapping {
            resolved = statusText.map { mapping.resolvedValues.contains($0.trimmingWhitespace()) } ?? false
        } else {
            resolved = statusText?.trimmingWhitespace().uppercased() == "OK"
        }
        let fingerprint =
            mapping?.fingerprint.flatMap { nonEmpty($0.text(in: body)) }
            ?? Fingerprint.hash(title)

        var labels: [String: String] = [:]
        for l in mapping?.labels ?? [] {
            if let v = l.path.text(in: body) { labels[l.name] = v }
        }
        var links: [AlertLink] = []
        if let url = body["url"]?.stringValue?.trimmingWhitespace(),
            url.hasPrefix("http://") || url.hasPrefix("https://")
        {
            links.append(AlertLink(title: "Details", url: url))
        }
        var fields: [String: String] = [:]
        fields["status"] = statusText

        let receivedAt = Timestamps.format(context.receivedAt)
        return [
            Alert(
                id: context.makeID(), source: IntegrationKind.webhook.rawValue, integration: context.integration,
                status: resolved ? .resolved : .firing, fingerprint: fingerprint, title: title, message: message,
                severity: severity, labels: labels, annotations: [:], startsAt: receivedAt,
                endsAt: resolved ? receivedAt : nil, receivedAt: receivedAt, links: links, fields: fields)
        ]
    }

    /// The first non-blank line, cut to 120 characters; `nil` for a blank text.
    static func firstLine(_ text: String) -> String? {
        guard
            let line = text.split(whereSeparator: \.isNewline).lazy
                .map({ $0.trimmingWhitespace() }).first(where: { !$0.isEmpty })
        else { return nil }
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }
}
