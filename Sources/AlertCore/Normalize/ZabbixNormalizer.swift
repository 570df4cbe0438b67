import Foundation

/// Zabbix webhook media type. There is no fixed schema: the media script posts what the admin
/// built, typically a flat object of strings named after macros (`EVENT.ID`, `EVENT.VALUE`,
/// `HOST.NAME`) or snake-cased (`event_id`, `host_name`), or the Grafana OnCall script's shape
/// (`alert_uid`, `title`, `state`, `message`). Keys are matched ignoring case and punctuation,
/// so `EVENT.ID`, `event_id` and `eventId` are one key. One alert per request.
///
/// Required (else a `PayloadError` naming `$`, answered 400): the body is an object. Nothing
/// inside it is: every key is optional and read leniently. Numbers and booleans are taken as
/// text (`EVENT.VALUE: 0` is "0"); `null`, objects and arrays are ignored where text is
/// expected, so each field below falls back to its default.
///
/// Mapping:
/// - `status` resolved when any of: `EVENT.VALUE` "0"; `EVENT.STATUS`/`event_status` "0",
///   "RESOLVED" or "OK"; `TRIGGER.STATUS` "OK"; `state` "ok"/"resolved"; title or subject
///   starting with "Resolved" (all case-insensitive). Otherwise firing.
/// - `fingerprint`: `EVENT.ID` / `event_id` (recoveries repeat the problem's id), else
///   `alert_uid`, else a hash of host and trigger name, else of the title.
/// - `title`: `title`, `subject`, `alert_subject`, `EVENT.NAME`, `TRIGGER.NAME`,
///   `trigger_description`, else "Zabbix event <id>".
/// - `message`: `message`, `alert_message`, `body`, else "".
/// - `severity`: `EVENT.SEVERITY` / `event_severity` / `TRIGGER.SEVERITY` / `severity`; Zabbix
///   numbers 0–5 become "not_classified", "information", "warning", "average", "high",
///   "disaster"; words are kept as sent. Absent → "unknown".
/// - `labels`: tags from `tags` / `EVENT.TAGSJSON` / `event_tags`: a JSON array
///   `[{"tag": …, "value": …}]` inside a string (or a real array), or `{EVENT.TAGS}` text
///   `name:value, name2:value2`; plus `host` from `HOST.NAME` / `host_name` / `hostname`.
///   Unparseable tags are kept raw in `fields["tags"]`.
/// - `startsAt`: `EVENT.DATE` + `EVENT.TIME` (`2026.01.02` `08:30:12`, server-local, read in
///   `NormalizeContext.timeZone`), else an RFC 3339 `timestamp`, else the receive time (also
///   when the date or time does not parse).
///   `endsAt` when resolved: `EVENT.RECOVERY.DATE` + `.TIME`, else the receive time.
/// - `links`: `url`, `EVENT.URL`, `TRIGGER.URL`, `zabbix_url` when http(s).
/// - `fields`: every scalar top-level key as sent (so routes can match any macro), except
///   `message`/`title`/`subject` texts and the tags.
public enum ZabbixNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        let o = try PayloadObject(body, path: "$")
        let keys = ZabbixKeys(o)
        let receivedAt = Timestamps.format(context.receivedAt)

        let title = nonEmpty(keys.first("title", "subject", "alertsubject", "eventname", "triggername", "triggerdescription"))
        let eventID = nonEmpty(keys.first("eventid"))
        let resolved = isResolved(keys, title: title)
        let tags = ZabbixTags.read(o)
        var labels = tags.labels
        if let host = nonEmpty(keys.first("hostname", "hosthost", "host")) { labels["host"] = host }

        var fields: [String: String] = [:]
        let skipped: Set<String> = ["message", "alertmessage", "body", "title", "subject", "alertsubject", "tags", "eventtagsjson", "eventtags"]
        for (k, v) in o.fields where !skipped.contains(ZabbixKeys.canonical(k)) {
            if let text = v.scalarText { fields[k] = text }
        }
        fields["tags"] = tags.unparsed

        let fingerprint =
            eventID ?? nonEmpty(keys.first("alertuid"))
            ?? nonEmpty(keys.first("triggername", "triggerdescription", "eventname")).map {
                Fingerprint.ofLabels(["host": labels["host"] ?? "", "trigger": $0])
            } ?? Fingerprint.hash(title ?? "")

        let startsAt =
            localTime(keys.first("eventdate"), keys.first("eventtime"), context.timeZone)
            ?? keys.first("timestamp", "eventtimestamp").flatMap { Timestamps.parse($0) == nil ? nil : $0 }
            ?? receivedAt
        let endsAt =
            resolved
            ? localTime(keys.first("eventrecoverydate"), keys.first("eventrecoverytime"), context.timeZone) ?? receivedAt
            : nil

        var links: [AlertLink] = []
        for (key, name) in [("url", "Zabbix"), ("eventurl", "Event"), ("triggerurl", "Trigger"), ("zabbixurl", "Zabbix")] {
            if let url = keys.first(key)?.trimmingWhitespace(),
                url.hasPrefix("http://") || url.hasPrefix("https://"), !links.contains(where: { $0.url == url })
            {
                links.append(AlertLink(title: name, url: url))
            }
        }

        return [
            Alert(
                id: context.makeID(), source: IntegrationKind.zabbix.rawValue, integration: context.integration,
                status: resolved ? .resolved : .firing, fingerprint: fingerprint,
                title: title ?? "Zabbix event \(eventID ?? "")".trimmingWhitespace(),
                message: keys.first("message", "alertmessage", "body") ?? "",
                severity: severity(keys.first("eventseverity", "eventnseverity", "triggerseverity", "triggernseverity", "severity")),
                labels: labels, annotations: [:], startsAt: startsAt, endsAt: endsAt, receivedAt: receivedAt,
                links: links, fields: fields)
        ]
    }

    static func isResolved(_ keys: ZabbixKeys, title: String?) -> Bool {
        if keys.first("eventvalue")?.trimmingWhitespace() == "0" { return true }
        if let s = keys.first("eventstatus")?.trimmingWhitespace().uppercased(), ["0", "RESOLVED", "OK"].contains(s) { return true }
        if keys.first("triggerstatus")?.trimmingWhitespace().uppercased() == "OK" { return true }
        if let s = keys.first("state")?.trimmingWhitespace().lowercased(), s == "ok" || s == "resolved" { return true }
        return title?.trimmingWhitespace().lowercased().hasPrefix("resolved") ?? false
    }

    /// Zabbix severity numbers (`{EVENT.NSEVERITY}`) to Zabbix's own names; words as sent.
    static func severity(_ text: String?) -> String {
        guard let t = nonEmpty(text)?.trimmingWhitespace() else { return "unknown" }
        let names = ["not_classified", "information", "warning", "average", "high", "disaster"]
        if let n = Int(t) { return names.indices.contains(n) ? names[n] : t }
        return t
    }

    /// `2026.01.02` + `08:30:12` read in `zone`, as RFC 3339 UTC; `nil` when either is absent
    /// or malformed.
    static func localTime(_ date: String?, _ time: String?, _ zone: TimeZone) -> String? {
        guard let date, let time else { return nil }
        let d = date.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "/" }).compactMap { Int($0) }
        let t = time.split(separator: ":").compactMap { Int($0) }
        guard d.count == 3, t.count >= 2 else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = DateComponents(year: d[0], month: d[1], day: d[2], hour: t[0], minute: t[1], second: t.count > 2 ? t[2] : 0)
        guard c.isValidDate(in: cal), let when = cal.date(from: c) else { return nil }
        return Timestamps.format(when)
    }
}

/// Lookup of a flat Zabbix body by canonical key: lowercase letters and digits only.
struct ZabbixKeys {
    private var values: [String: String] = [:]

    init(_ o: PayloadObject) {
        // Sorted so that two spellings of one key resolve the same way on every run.
        for k in o.fields.keys.sorted() {
            guard let text = o.fields[k]?.scalarText else { continue }
            let c = ZabbixKeys.canonical(k)
            if values[c] == nil { values[c] = text }
        }
    }

    static func canonical(_ key: String) -> String {
        String(key.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    /// The first of `names` (canonical) that is present.
    func first(_ names: String...) -> String? {
        for n in names { if let v = values[n] { return v } }
        return nil
    }
}
