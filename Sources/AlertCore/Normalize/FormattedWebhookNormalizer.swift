import Foundation

/// Grafana OnCall-compatible "formatted webhook" (`formatted-webhook`): one alert per request,
/// every field optional, no timestamps.
///
/// Mapping:
/// - `fingerprint`: `alert_uid` (string or number); else a stable hash of the title.
/// - `title`: `title`; else the first line of `message`; else "Alert from <integration>".
/// - `message`: `message`, else "".
/// - `status`: `state` "ok" (any case) → resolved; anything else, or absent, fires.
/// - `links`: `link_to_upstream_details` ("Details"), `image_url` ("Image"), when non-empty.
/// - `severity`: "unknown" (the format has none); `fields["state"]`: `state` as sent.
/// - Times: the receive time (`endsAt` too when resolved).
/// Scalars of the wrong kind (a number title) are accepted as text; objects or arrays where
/// text is expected are a `PayloadError` naming the field.
public enum FormattedWebhookNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        let o = try PayloadObject(body, path: "$")
        let message = try o.scalarText("message") ?? ""
        let title = try nonEmpty(o.scalarText("title")) ?? WebhookNormalizer.firstLine(message) ?? "Alert from \(context.integration)"
        let state = try o.scalarText("state")
        let resolved = state?.trimmingWhitespace().lowercased() == "ok"

        var links: [AlertLink] = []
        if let url = try nonEmpty(o.string("link_to_upstream_details")) { links.append(AlertLink(title: "Details", url: url)) }
        if let url = try nonEmpty(o.string("image_url")) { links.append(AlertLink(title: "Image", url: url)) }
        var fields: [String: String] = [:]
        fields["state"] = state

        let receivedAt = Timestamps.format(context.receivedAt)
        return [Alert(
            id: context.makeID(), source: IntegrationKind.formattedWebhook.rawValue, integration: context.integration,
            status: resolved ? .resolved : .firing, fingerprint: try nonEmpty(o.scalarText("alert_uid")) ?? Fingerprint.hash(title),
            title: title, message: message, severity: "unknown", labels: [:], annotations: [:], startsAt: receivedAt,
            endsAt: resolved ? receivedAt : nil, receivedAt: receivedAt, links: links, fields: fields)]
    }
}
