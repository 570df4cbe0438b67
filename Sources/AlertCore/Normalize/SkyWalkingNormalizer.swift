import Foundation

/// Apache SkyWalking alarm webhook: the body is a JSON array of alarm messages (rules and
/// scopes mixed); each element becomes one alert. An empty array or any other body is a
/// `PayloadError` naming `$`.
///
/// Mapping, per element:
/// - `status`: resolved when `recoveryTime` is present (SkyWalking 10.4+ recovery hook), else
///   firing (older versions never signal recovery).
/// - `fingerprint`: `uuid` (10.4+); else a stable hash of `ruleName`, `scopeId`, `id0`, `id1`
///   (`Fingerprint.ofLabels`), the same for every repeat of the alarm.
/// - `title`: `alarmMessage`, else "`ruleName`: `name`"; `message`: `alarmMessage`.
/// - `severity`: tag `level`, else tag `severity`, else "unknown" (the source's word, as sent).
/// - `labels`: `tags` `[{key, value}]` (an object of scalars is accepted too).
/// - `startsAt`: `startTime` (epoch milliseconds) as RFC 3339 UTC, receive time if absent;
///   `endsAt`: `recoveryTime` likewise.
/// - `fields`: `service` (to route on, see `SkyWalkingName`: the last service of a relation),
///   `sourceService` (relations), `entity` (instance or endpoint of the destination), `name`,
///   `scope`, `scopeId`, `ruleName`, `id0`, `id1` (when non-empty), `uuid`, `expression`,
///   `startTimeLocal` / `recoveryTimeLocal` (`NormalizeContext.timeZone`, e.g.
///   `2019-06-14 22:56:11 CST`).
/// - `name` is required (a `PayloadError` naming it when absent): without it there is nothing
///   to route on.
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

    private static func alarm(_ o: PayloadObject, context: NormalizeContext) throws(PayloadError) -> Alert {
        let name = try o.requiredString("name")
        let scope = try o.string("scope")
        let scopeIDText = try o.scalarText("scopeId")
        let ruleName = try o.scalarText("ruleName") ?? ""
        let id0 = try o.scalarText("id0") ?? ""
        let id1 = try o.scalarText("id1") ?? ""
        let alarmMessage = try o.string("alarmMessage") ?? ""
        let labels = try tags(o)

        let parsed = SkyWalkingName.parse(name, scope: SkyWalkingName.Scope(scope: scope, scopeID: scopeIDText.flatMap { Int($0) }))
        var fields: [String: String] = ["service": parsed.service, "name": name]
        fields["sourceService"] = parsed.sourceService
        fields["entity"] = parsed.entity
        fields["scope"] = scope
        fields["scopeId"] = scopeIDText
        fields["ruleName"] = nonEmpty(ruleName)
        fields["id0"] = nonEmpty(id0)
        fields["id1"] = nonEmpty(id1)
        fields["expression"] = try o.string("expression").flatMap(nonEmpty)

        let receivedAt = Timestamps.format(context.receivedAt)
        var startsAt = receivedAt
        if let start = try epochMillis(o, "startTime") {
            startsAt = Timestamps.format(start)
            fields["startTimeLocal"] = Timestamps.local(start, timeZone: context.timeZone)
        }
        var endsAt: String?
        if let recovery = try epochMillis(o, "recoveryTime") {
            endsAt = Timestamps.format(recovery)
            fields["recoveryTimeLocal"] = Timestamps.local(recovery, timeZone: context.timeZone)
        }

        let uuid = try o.scalarText("uuid").flatMap(nonEmpty)
        fields["uuid"] = uuid
        let fingerprint = uuid ?? Fingerprint.ofLabels(["ruleName": ruleName, "scopeId": scopeIDText ?? "", "id0": id0, "id1": id1])
        let title = nonEmpty(alarmMessage) ?? (ruleName.isEmpty ? name : "\(ruleName): \(name)")

        return Alert(
            id: context.makeID(), source: IntegrationKind.skywalking.rawValue, integration: context.integration,
            status: endsAt == nil ? .firing : .resolved, fingerprint: fingerprint, title: title, message: alarmMessage,
            severity: nonEmpty(labels["level"]) ?? nonEmpty(labels["severity"]) ?? "unknown", labels: labels,
            annotations: [:], startsAt: startsAt, endsAt: endsAt, receivedAt: receivedAt, links: [], fields: fields)
    }

    /// `tags`: `[{key, value}]` (8.6+); an object of scalars is accepted too. Elements without
    /// a key are skipped.
    private static func tags(_ o: PayloadObject) throws(PayloadError) -> [String: String] {
        if case .object? = o.fields["tags"] { return try o.stringMap("tags") }
        guard let list = try o.array("tags") else { return [:] }
        var out: [String: String] = [:]
        for (i, element) in list.enumerated() {
            let tag = try PayloadObject(element, path: "\(o.childPath("tags"))[\(i)]")
            guard let key = try tag.scalarText("key").flatMap(nonEmpty) else { continue }
            out[key] = try tag.scalarText("value") ?? ""
        }
        return out
    }

    /// An epoch-milliseconds field (a number, or a string of digits).
    private static func epochMillis(_ o: PayloadObject, _ key: String) throws(PayloadError) -> Date? {
        guard let ms = try o.number(key) else { return nil }
        guard ms.isFinite, ms >= 0, ms < 32_503_680_000_000 else {
            throw PayloadError(path: o.childPath(key), reason: "expected epoch milliseconds, got \(ms)")
        }
        return Date(timeIntervalSince1970: ms / 1000)
    }
}
