import Foundation

/// Grafana OnCall-compatible "formatted webhook" (`formatted-webhook`): one alert per request,
/// every field optional, no timestamps.
///
/// Required (else a `PayloadError` naming `$`, answered 400): the body is an object. Every
/// field is read leniently (`PayloadObject+Lenient.swift`): numbers and booleans as text;
/// `null`, objects and arrays read as absent, so the default below applies.
///
/// Mapping:
/// - `fingerprint`: `alert_uid` (string or number); else a stable hash of the title.
/// - `title`: `title`; else the first line of `message`; else "Alert from <integration>".
/// - `message`: `message`, else "".
/// - `status`: `state` "ok" (any case) → resolved; anything else, or absent, fires.
/// - `links`: `link_to_upstream_details` ("Details"), `image_url` ("Image"), when non-empty
///   strings with a host (see `AlertmanagerNormalizer.usableURL`).
/// - `severity`: "unknown" (the format has none); `fields["state"]`: `state` as sent.
/// - Times: the receive time (`endsAt` too when resolved).
public enum FormattedWebhookNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        let o = try PayloadObject(body, path: "$")
        let message = o.lenientString("message") ?? ""
        let title = nonEmpty(o.lenientString("title")) ?? WebhookNormalizer.firstLine(message) ?? "Alert from \(context.integration)"
        let state = o.lenientString("state")
        let resolved = state?.trimmingWhitespace().lowercased() == "ok"

        var links: [AlertLink] = []
        if let url = o.lenientURL("link_to_upstream_details") { links.append(AlertLink(title: "Details", url: url)) }
        if let url = o.lenientURL("image_url") { links.append(AlertLink(title: "Image", url: url)) }
        var fields: [String: String] = [:]
        fields["state"] = state

        let receivedAt = Timestamps.format(context.receivedAt)
        return [
            Alert(
                id: context.makeID(), source: IntegrationKind.formattedWebhook.rawValue, integration: context.integration,
                status: resolved ? .resolved : .firing, fingerprint: nonEmpty(o.lenientString("alert_uid")) ?? Fingerprint.hash(title),
                title: title, message: message, severity: "unknown", labels: [:], annotations: [:], startsAt: receivedAt,
                endsAt: resolved ? receivedAt : nil, receivedAt: receivedAt, links: links, fields: fields)
        ]
    }
}
