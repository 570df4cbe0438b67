/// `Alert`'s JSON written directly, byte for byte what `JSONEncoder` writes with `.sortedKeys`
/// and `.withoutEscapingSlashes` (keys in UTF-8 byte order, optional fields omitted when nil,
/// control characters escaped as Foundation does). The gateway encodes one alert per request:
/// `JSONEncoder` was a fifth of its CPU. A randomized test compares the two on every run.
extension Alert {
    public func jsonBytes() -> [UInt8] {
        var w = JSONBytesWriter()
        w.out.reserveCapacity(512 + message.utf8.count)
        w.raw("{")
        w.key("annotations"); w.object(annotations); w.raw(",")
        if let endsAt { w.key("endsAt"); w.string(endsAt); w.raw(",") }
        w.key("fields"); w.object(fields); w.raw(",")
        w.key("fingerprint"); w.string(fingerprint); w.raw(",")
        w.key("id"); w.string(id); w.raw(",")
        w.key("integration"); w.string(integration); w.raw(",")
        w.key("labels"); w.object(labels); w.raw(",")
        w.key("links"); w.raw("[")
        for (i, link) in links.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{"); w.key("title"); w.string(link.title); w.raw(","); w.key("url"); w.string(link.url); w.raw("}")
        }
        w.raw("],")
        w.key("message"); w.string(message); w.raw(",")
        w.key("receivedAt"); w.string(receivedAt); w.raw(",")
        w.key("severity"); w.string(severity); w.raw(",")
        w.key("source"); w.string(source); w.raw(",")
        w.key("startsAt"); w.string(startsAt); w.raw(",")
        w.key("status"); w.string(status.rawValue); w.raw(",")
        if let suppressedRepeats { w.key("suppressedRepeats"); w.raw(String(suppressedRepeats)); w.raw(",") }
        w.key("title"); w.string(title); w.raw(",")
        w.key("v"); w.raw(String(v))
        w.raw("}")
        return w.out
    }
}

extension Alert {
    /// Reads an alert straight from the fast JSON reader's tree, or returns `nil` for anything
    /// it is not sure of (invalid UTF-8, duplicate keys, a wrong type, a missing field): the
    /// caller then lets `JSONDecoder` decide and word the error. So it never accepts what
    /// JSONDecoder rejects and never reads a value differently (a randomized test checks both);
    /// it only skips JSONDecoder's cost for the well-formed alerts every consumer reads.
    static func fastDecode(_ bytes: [UInt8]) -> Alert? {
        guard let o = FastJSON.object(bytes) else { return nil }
        return fastDecode(o)
    }

    /// The alert in an object the fast reader produced (an alert message, or a notification's
    /// `alert`), or `nil` when JSONDecoder must decide.
    static func fastDecode(_ o: [String: JSONValue]) -> Alert? {
        func string(_ k: String) -> String? { FastJSON.string(o[k]) }
        func int(_ v: JSONValue?) -> Int? { FastJSON.int(v) }
        func map(_ k: String) -> [String: String]? {
            guard case .object(let m)? = o[k] else { return nil }
            var out: [String: String] = [:]
            out.reserveCapacity(m.count)
            for (key, value) in m {
                guard case .string(let s) = value else { return nil }
                out[key] = s
            }
            return out
        }
        guard let v = int(o["v"]), let id = string("id"), let source = string("source"), let integration = string("integration"),
            let statusText = string("status"), let status = AlertStatus(rawValue: statusText), let fingerprint = string("fingerprint"),
            let title = string("title"), let message = string("message"), let severity = string("severity"),
            let labels = map("labels"), let annotations = map("annotations"), let startsAt = string("startsAt"),
            let receivedAt = string("receivedAt"), let fields = map("fields"), case .array(let linkValues)? = o["links"]
        else { return nil }
        var endsAt: String? = nil
        switch o["endsAt"] {
        case nil, .null?: endsAt = nil
        case .string(let s)?: endsAt = s
        default: return nil
        }
        var suppressed: Int? = nil
        switch o["suppressedRepeats"] {
        case nil, .null?: suppressed = nil
        case let value?: guard let n = int(value) else { return nil }; suppressed = n
        }
        var links: [AlertLink] = []
        links.reserveCapacity(linkValues.count)
        for l in linkValues {
            guard case .object(let lo) = l, case .string(let t)? = lo["title"], case .string(let u)? = lo["url"] else { return nil }
            links.append(AlertLink(title: t, url: u))
        }
        var a = Alert(
            id: id, source: source, integration: integration, status: status, fingerprint: fingerprint, title: title,
            message: message, severity: severity, labels: labels, annotations: annotations, startsAt: startsAt,
            endsAt: endsAt, receivedAt: receivedAt, links: links, fields: fields, suppressedRepeats: suppressed)
        a.v = v
        return a
    }
}
