import Foundation

/// Graylog HTTP notification (event definitions, Graylog 3.1+): one event per request, with
/// the backlog of matching messages when the definition sets a backlog size.
///
/// Mapping:
/// - `status`: always firing. Graylog has no resolve signal (`event.alert` is not a state).
/// - `fingerprint`: stable hash of `event_definition_id` (top level, else `event.*`) and
///   `event.key` (the group-by values; `key_tuple` joined when `key` is absent). Never the
///   per-event ULID `event.id`, which is new for every repeat.
/// - `title`: `event_definition_title`, else `event.message`.
/// - `message`: `event.message`, then (blank line) the first backlog message's `message`,
///   then "(+N more messages in the backlog)" when there are more.
/// - `severity` from `event.priority`: 1 → "info", 2 → "warning", 3 → "critical",
///   4 → "critical" (Graylog names them low, normal, high and, in newer releases, critical);
///   anything else → "unknown". The number and Graylog's name are kept in `fields`.
/// - `labels`: the first backlog message's `fields` (app, namespace, …; scalars only, Graylog's
///   internal `gl2_*` fields skipped), overlaid by `event.group_by_fields`, overlaid by the
///   event's custom `event.fields` (the definition's own, so they win).
/// - `annotations`: `event_definition_description`, `remediation_steps` when non-empty.
/// - `startsAt`: `event.timestamp` when it is RFC 3339, else the receive time.
/// - `fields`: `eventDefinitionId`, `eventDefinitionType`, `eventId`, `key`, `source`,
///   `priority`, `priorityName`, `eventMessage`, `backlogMessage`, `backlogSize`, and `pattern`:
///   the configured `message_pattern` (`NormalizeOptions.messagePattern`) applied to the first
///   backlog message, else `event.message`, else the custom field `message`; first match wins.
public enum GraylogNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        let top = try PayloadObject(body, path: "$")
        guard let event = try top.object("event") else {
            throw PayloadError(path: "$.event", reason: "missing field; a Graylog notification carries an event")
        }
        let custom = try event.stringMap("fields")
        let groupBy = try event.stringMap("group_by_fields")
        let backlog = try top.array("backlog") ?? []
        var first: PayloadObject?
        if let element = backlog.first { first = try PayloadObject(element, path: "$.backlog[0]") }

        var labels = try first.map(backlogLabels) ?? [:]
        labels.merge(groupBy) { _, new in new }
        labels.merge(custom) { _, new in new }

        let topDefinitionID = try top.string("event_definition_id"), eventDefinitionID = try event.string("event_definition_id")
        let definitionID = nonEmpty(topDefinitionID) ?? nonEmpty(eventDefinitionID) ?? ""
        let eventKey = try event.scalarText("key"), tupleKey = try keyTuple(event)
        let key = nonEmpty(eventKey) ?? tupleKey
        let eventMessage = try event.string("message") ?? ""
        let backlogMessage = try first?.scalarText("message")

        var message = eventMessage
        if let b = nonEmpty(backlogMessage) { message += (message.isEmpty ? "" : "\n\n") + b }
        if backlog.count > 1 { message += "\n(+\(backlog.count - 1) more messages in the backlog)" }

        var fields: [String: String] = [:]
        fields["eventDefinitionId"] = nonEmpty(definitionID)
        let topType = try top.string("event_definition_type"), eventType = try event.string("event_definition_type")
        fields["eventDefinitionType"] = nonEmpty(topType) ?? nonEmpty(eventType)
        fields["eventId"] = try event.scalarText("id")
        fields["key"] = nonEmpty(key)
        fields["source"] = try nonEmpty(event.scalarText("source"))
        fields["eventMessage"] = nonEmpty(eventMessage)
        fields["backlogMessage"] = nonEmpty(backlogMessage)
        if !backlog.isEmpty { fields["backlogSize"] = String(backlog.count) }
        let (severity, priorityName) = try priority(event, into: &fields)
        fields["priorityName"] = priorityName
        if let pattern = context.options.messagePattern {
            let candidates = [backlogMessage, eventMessage, custom["message"]]
            fields["pattern"] = candidates.lazy.compactMap { $0.flatMap(pattern.extract) }.first
        }

        var annotations: [String: String] = [:]
        annotations["description"] = try nonEmpty(top.string("event_definition_description"))
        annotations["remediation_steps"] = try nonEmpty(top.string("remediation_steps"))

        let receivedAt = Timestamps.format(context.receivedAt)
        let startsAt = try event.string("timestamp").flatMap { Timestamps.parse($0) == nil ? nil : $0 } ?? receivedAt
        let definitionTitle = try top.string("event_definition_title")
        let title = nonEmpty(definitionTitle) ?? nonEmpty(eventMessage) ?? "Graylog event"
        let fingerprint = Fingerprint.ofLabels(["event_definition_id": definitionID, "key": key])

        return [Alert(
            id: context.makeID(), source: IntegrationKind.graylog.rawValue, integration: context.integration,
            status: .firing, fingerprint: fingerprint, title: title, message: message, severity: severity,
            labels: labels, annotations: annotations, startsAt: startsAt, endsAt: nil, receivedAt: receivedAt,
            links: [], fields: fields)]
    }

    /// A backlog message's `fields`: scalars as text; nested values and `gl2_*` skipped
    /// (messages carry arbitrary field types, so nothing here is an error).
    private static func backlogLabels(_ message: PayloadObject) throws(PayloadError) -> [String: String] {
        guard case .object(let f)? = message.fields["fields"] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in f where !k.hasPrefix("gl2_") {
            if let text = v.scalarText { out[k] = text }
        }
        return out
    }

    private static func keyTuple(_ event: PayloadObject) throws(PayloadError) -> String {
        guard let tuple = try event.array("key_tuple") else { return "" }
        return tuple.compactMap(\.scalarText).joined(separator: "|")
    }

    /// Severity and Graylog's name for `event.priority`; records the number in `fields`.
    private static func priority(_ event: PayloadObject, into fields: inout [String: String]) throws(PayloadError) -> (String, String?) {
        guard let p = try event.number("priority") else { return ("unknown", nil) }
        fields["priority"] = JSONValue.number(p).scalarText
        switch p {
        case 1: return ("info", "low")
        case 2: return ("warning", "normal")
        case 3: return ("critical", "high")
        case 4: return ("critical", "critical")
        default: return ("unknown", nil)
        }
    }
}
