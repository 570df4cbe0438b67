extension AlertNotification {
    /// Reads a notification straight from the fast JSON reader's tree, or returns `nil` for
    /// anything it is not sure of; the caller then lets `JSONDecoder` decide and word the error
    /// (as `Alert.fastDecode` does, and checked against JSONDecoder the same way). Every channel
    /// worker decodes each notification it takes: JSONDecoder was 6-7 % of `klaxon-email`'s CPU.
    static func fastDecode(_ bytes: [UInt8]) -> AlertNotification? {
        guard let o = FastJSON.object(bytes) else { return nil }
        guard let v = FastJSON.int(o["v"]), let id = FastJSON.string(o["id"]), let channel = FastJSON.string(o["channel"]),
            let recipients = FastJSON.strings(o["recipients"]), let route = FastJSON.string(o["route"]),
            let template = FastJSON.optional(o["template"], FastJSON.string),
            let mentions = FastJSON.optional(o["mentions"], FastJSON.strings),
            let atAll = FastJSON.optional(o["atAll"], { if case .bool(let b)? = $0 { return b } else { return nil } }),
            let incident = FastJSON.optional(o["incident"], incidentNote),
            case .object(let alertObject)? = o["alert"], let alert = Alert.fastDecode(alertObject)
        else { return nil }
        var n = AlertNotification(
            id: id, channel: channel, recipients: recipients, route: route, template: template, mentions: mentions, atAll: atAll,
            incident: incident, alert: alert)
        n.v = v
        return n
    }

    private static func incidentNote(_ v: JSONValue?) -> IncidentNote? {
        guard case .object(let o)? = v, let id = FastJSON.string(o["id"]), let kind = FastJSON.string(o["kind"]),
            let text = FastJSON.string(o["text"]), let link = FastJSON.optional(o["link"], FastJSON.string)
        else { return nil }
        return IncidentNote(id: id, kind: kind, text: text, link: link)
    }
}
