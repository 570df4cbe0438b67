import Foundation

/// Graylog HTTP notification (event definitions, Graylog 3.1+): one event per request, with
/// the backlog of matching messages when the definition sets a backlog size.
///
/// Required (anything else is a `PayloadError` naming the path, answered 400): the body is an
/// object and `event` is an object (without it the body is not a Graylog notification). Every
/// other field is read leniently (`PayloadObject+Lenient.swift`): a wrong type, `null` or an
/// unusable value gives the default below, never a rejection; numbers and booleans where
/// text is expected are taken as text.
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
///   anything else (another number, a word, an object) → "unknown". The value as sent (when a
///   scalar) and Graylog's name are kept in `fields`.
/// - `labels`: the first backlog message's `fields` (app, namespace, …; scalars only, Graylog's
///   internal `gl2_*` fields skipped), overlaid by `event.group_by_fields`, overlaid by the
///   event's custom `event.fields` (the definition's own, so they win). Numbers and booleans
///   are taken as text; `null`, objects and arrays are dropped; a non-object reads as empty.
///   A `backlog` that is not an array, or whose first element is not an object, is no backlog.
/// - `annotations`: `event_definition_description`, `remediation_steps` when non-empty.
/// - `startsAt`: `event.timestamp` when it is an RFC 3339 string, else the receive time.
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
        let custom = event.lenientStringMap("fields")
        let groupBy = event.lenientStringMap("group_by_fields")
        let backlog = top.lenientArray("backlog") ?? []
        var first: PayloadObject?
        if case .object(let o)? = backlog.first { first = PayloadObject(fields: o, path: "$.backlog[0]") }

        var labels = first.map(backlogLabels) ?? [:]
        labels.merge(groupBy) { _, new in new }
        labels.merge(custom) { _, new in new }

        let topDefinitionID = top.lenientString("event_definition_id"), eventDefinitionID = event.lenientString("event_definition_id")
        let definitionID = nonEmpty(topDefinitionID) ?? nonEmpty(eventDefinitionID) ?? ""
        let key = nonEmpty(event.lenientString("key")) ?? keyTuple(event)
        let eventMessage = event.lenientString("message") ?? ""
        let backlogMessage = first?.lenientString("message")

        var message = eventMessage
        if let b = nonEmpty(backlogMessage) { message += (message.isEmpty ? "" : "\n\n") + b }
        if backlog.count > 1 { message += "\n(+\(backlog.count - 1) more messages in the backlog)" }

        var fields: [String: String] = [:]
        fields["eventDefinitionId"] = nonEmpty(definitionID)
        let topType = top.lenientString("event_definition_type"), eventType = event.lenientString("event_definition_type")
        fields["eventDefinitionType"] = nonEmpty(topType) ?? nonEmpty(eventType)
        fields["eventId"] = event.lenientString("id")
        fields["key"] = nonEmpty(key)
        fields["source"] = nonEmpty(event.lenientString("source"))
        fields["eventMessage"] = nonEmpty(eventMessage)
        fields["backlogMessage"] = nonEmpty(backlogMessage)
        if !backlog.isEmpty { fields["backlogSize"] = String(backlog.count) }
        let (severity, priorityName) = priority(event, into: &fields)
        fields["priorityName"] = priorityName
        if let pattern = context.options.messagePattern {
            let candidates = [backlogMessage, eventMessage, custom["message"]]
            fields["pattern"] = candidates.lazy.compactMap { $0.flatMap(pattern.extract) }.first
        }

        var annotations: [String: String] = [:]
        annotations["description"] = nonEmpty(top.lenientString("event_definition_description"))
        annotations["remediation_steps"] = nonEmpty(top.lenientString("remediation_steps"))

        let receivedAt = Timestamps.format(context.receivedAt)
        let startsAt = event.lenientTimestamp("timestamp") ?? receivedAt
        let definitionTitle = top.lenientString("event_definition_title")
        let title = nonEmpty(definitionTitle) ?? nonEmpty(eventMessage) ?? "Graylog event"
        let fingerprint = Fingerprint.ofLabels(["event_definition_id": definitionID, "key": key])

        return [
            Alert(
                id: context.makeID(), source: IntegrationKind.graylog.rawValue, integration: context.integration,
                status: .firing, fingerprint: fingerprint, title: title, message: message, severity: severity,
                labels: labels, annotations: annotations, startsAt: startsAt, endsAt: nil, receivedAt: receivedAt,
                links: [], fields: fields)
        ]
    }

    /// A backlog message's `fields`: scalars as text; nested values and `gl2_*` skipped
    /// (messages carry arbitrary field types, so nothing here is an error).
    private static func backlogLabels(_ message: PayloadObject) -> [String: String] {
        message.lenientStringMap("fields").filter { !$0.key.hasPrefix("gl2_") }
    }

    /// `key_tuple` joined with `|` (scalars only); "" when absent or not an array.
    private static func keyTuple(_ event: PayloadObject) -> String {
        (event.lenientArray("key_tuple") ?? []).compactMap(\.scalarText).joined(separator: "|")
    }

    /// Severity and Graylog's name for `event.priority` (a number or numeric string); records
    /// the value as sent in `fields` when it is a scalar. Anything else is "unknown".
    private static func priority(_ event: PayloadObject, into fields: inout [String: String]) -> (String, String?) {
        guard let p = event.lenientNumber("priority") else {
            fields["priority"] = event.lenientString("priority").flatMap(nonEmpty)
            return ("unknown", nil)
        }
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
