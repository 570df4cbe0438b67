import Foundation

/// Apache SkyWalking alarm webhook: the body is a JSON array of alarm messages (rules and
/// scopes mixed); each element becomes one alert.
///
/// Required (anything else is a `PayloadError` naming the path, answered 400): the body is a
/// non-empty array and each element is an object. Every field of an element is read leniently
/// (`PayloadObject+Lenient.swift`): a wrong type, `null` or an unusable value gives the default
/// below, never a rejection. Numbers and booleans where text is expected are taken as text.
///
/// Mapping, per element:
/// - `status`: resolved when `recoveryTime` is present and not `null` (only SkyWalking 10.4+
///   recovery messages carry it), else firing (older versions never signal recovery).
/// - `fingerprint`: `uuid` (10.4+); else a stable hash of `ruleName`, `scopeId`, `id0`, `id1`
///   (`Fingerprint.ofLabels`), the same for every repeat of the alarm.
/// - `title`: `alarmMessage`, else "`ruleName`: `name`" (either alone when the other is
///   absent), else "SkyWalking alarm"; `message`: `alarmMessage`, else "".
/// - `severity`: tag `level`, else tag `severity`, else "unknown" (the source's word, as sent).
/// - `labels`: `tags` `[{key, value}]` (an object of scalars is accepted too; entries that are
///   not objects or have no key are skipped).
/// - `startsAt`: `startTime` (epoch milliseconds, a number or a string of digits) as RFC 3339
///   UTC; the receive time when absent, negative, past year 3000 or not a number. `endsAt`:
///   `recoveryTime` likewise (receive time when unusable).
/// - `fields`: `service` (to route on, see `SkyWalkingName`: the last service of a relation;
///   absent when `name` is), `sourceService` (relations), `entity` (instance or endpoint of
///   the destination), `name`, `scope`, `scopeId`, `ruleName`, `id0`, `id1` (when non-empty),
///   `uuid`, `expression`, `startTimeLocal` / `recoveryTimeLocal` (`NormalizeContext.timeZone`,
///   e.g. `2019-06-14 22:56:11 CST`).
/// - `name` absent: the alarm is still delivered (a page beats a lost alert); with no
///   `service` it reaches the routes that do not match on one.
public enum SkyWalkingNormalizer {
    public static func normalize(_ body: JSONValue, context: NormalizeContext) throws(PayloadError) -> [Alert] {
        guard case .array(let elements) = body else {
            throw PayloadError(path: "$", reason: "expected an array of SkyWalking alarms, got \(body.kindName)")
        }
        if elements.isEmpty { throw PayloadError(path: "$", reason: "empty array; nothing to notify") }
        var alerts: [Alert] = []
        alerts.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            alerts.append(try alarm(PayloadObject(element, path: "$[\(i)]"), context: context))
        }
        return alerts
    }

    private static func alarm(_ o: PayloadObject, context: NormalizeContext) -> Alert {
        let name = o.lenientString("name") ?? ""
        let scope = o.lenientString("scope")
        let scopeIDText = o.lenientString("scopeId")
        let ruleName = o.lenientString("ruleName") ?? ""
        let id0 = o.lenientString("id0") ?? ""
        let id1 = o.lenientString("id1") ?? ""
        let alarmMessage = o.lenientString("alarmMessage") ?? ""
        let labels = tags(o)

        var fields: [String: String] = [:]
        if nonEmpty(name) != nil {
            let parsed = SkyWalkingName.parse(name, scope: SkyWalkingName.Scope(scope: scope, scopeID: scopeIDText.flatMap { Int($0) }))
            fields["service"] = nonEmpty(parsed.service)
            fields["name"] = name
            fields["sourceService"] = parsed.sourceService
            fields["entity"] = parsed.entity
        }
        fields["scope"] = scope
        fields["scopeId"] = scopeIDText
        fields["ruleName"] = nonEmpty(ruleName)
        fields["id0"] = nonEmpty(id0)
        fields["id1"] = nonEmpty(id1)
        fields["expression"] = o.lenientString("expression").flatMap(nonEmpty)

        let receivedAt = Timestamps.format(context.receivedAt)
        var startsAt = receivedAt
        if let start = epochMillis(o, "startTime") {
            startsAt = Timestamps.format(start)
            fields["startTimeLocal"] = Timestamps.local(start, timeZone: context.timeZone)
        }
        var endsAt: String?
        if o.has("recoveryTime") {
            endsAt = receivedAt
            if let recovery = epochMillis(o, "recoveryTime") {
                endsAt = Timestamps.format(recovery)
                fields["recoveryTimeLocal"] = Timestamps.local(recovery, timeZone: context.timeZone)
            }
        }

        let uuid = o.lenientString("uuid").flatMap(nonEmpty)
        fields["uuid"] = uuid
        let fingerprint = uuid ?? Fingerprint.ofLabels(["ruleName": ruleName, "scopeId": scopeIDText ?? "", "id0": id0, "id1": id1])
        let subject = [nonEmpty(ruleName), nonEmpty(name)].compactMap { $0 }.joined(separator: ": ")
        let title = nonEmpty(alarmMessage) ?? nonEmpty(subject) ?? "SkyWalking alarm"

        return Alert(
            id: context.makeID(), source: IntegrationKind.skywalking.rawValue, integration: context.integration,
            status: endsAt == nil ? .firing : .resolved, fingerprint: fingerprint, title: title, message: alarmMessage,
            severity: nonEmpty(labels["level"]) ?? nonEmpty(labels["severity"]) ?? "unknown", labels: labels,
            annotations: [:], startsAt: startsAt, endsAt: endsAt, receivedAt: receivedAt, links: [], fields: fields)
    }

    /// `tags`: `[{key, value}]` (8.6+); an object of scalars is accepted too. Elements that are
    /// not objects, or have no key, are skipped; a tag without a value gets "".
    private static func tags(_ o: PayloadObject) -> [String: String] {
        if o.lenientObject("tags") != nil { return o.lenientStringMap("tags") }
        var out: [String: String] = [:]
        for tag in o.lenientObjects("tags") {
            guard let key = tag.lenientString("key").flatMap(nonEmpty) else { continue }
            out[key] = tag.lenientString("value") ?? ""
        }
        return out
    }

    /// An epoch-milliseconds field (a number, or a string of digits); `nil` when absent or not
    /// a time between 1970 and the year 3000.
    private static func epochMillis(_ o: PayloadObject, _ key: String) -> Date? {
        guard let ms = o.lenientNumber(key), ms >= 0, ms < 32_503_680_000_000 else { return nil }
        return Date(timeIntervalSince1970: ms / 1000)
    }
}
