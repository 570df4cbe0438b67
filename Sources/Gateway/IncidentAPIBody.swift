import AlertCore
import Foundation

/// The optional JSON body of `POST /api/v1/incidents/{id}/{verb}`: `{"by": "alice", "duration":
/// "30m"}`. `by` names who acts (default: the token's name); `duration` is how long a snooze
/// lasts and is required for `snooze`, refused for the other verbs. Any other field is refused,
/// so a typo never passes silently. Errors name the field's JSON path.
struct IncidentAPIBody: Sendable, Equatable {
    /// The most Unicode scalars `by` may have.
    static let maxByLength = 200
    /// The shortest and longest snooze.
    static let minSnoozeMillis: Int64 = 60_000
    static let maxSnoozeMillis: Int64 = 7 * 86_400_000

    /// Who acts, if the body says.
    var by: String?
    /// The snooze's length in milliseconds (snooze only).
    var durationMillis: Int64?

    /// Parses `body` (empty: no fields) for `verb`.
    static func parse(_ body: [UInt8], verb: IncidentVerb, maxDepth: Int) throws(PayloadError) -> IncidentAPIBody {
        var out = IncidentAPIBody()
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            if verb == .snooze {
                throw PayloadError(path: "$.duration", reason: "missing field: a snooze needs a duration such as \"30m\" or \"2h\"")
            }
            return out
        }
        let value = try JSONParsing.parse(body, limits: JSONLimits(maxDepth: maxDepth))
        guard case .object(let fields) = value else { throw PayloadError(path: "$", reason: "expected a JSON object such as {\"by\": \"alice\"}") }
        for key in fields.keys.sorted() where key != "by" && key != "duration" {
            throw PayloadError(path: "$.\(key)", reason: "unknown field (the body takes by and duration)")
        }
        if let by = fields["by"] {
            guard case .string(let s) = by else { throw PayloadError(path: "$.by", reason: "expected a string: who acts") }
            guard !s.isEmpty, s.unicodeScalars.count <= maxByLength else {
                throw PayloadError(path: "$.by", reason: "expected 1 to \(maxByLength) characters")
            }
            guard !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }), !s.trimmingWhitespace().isEmpty else {
                throw PayloadError(path: "$.by", reason: "expected a name without control characters")
            }
            out.by = s
        }
        if let d = fields["duration"] {
            guard verb == .snooze else { throw PayloadError(path: "$.duration", reason: "only snooze takes a duration") }
            guard case .string(let s) = d, !s.isEmpty else {
                throw PayloadError(path: "$.duration", reason: "expected a duration string such as \"30m\", \"2h\" or \"1h30m\"")
            }
            guard let ms = parseDurationMillis(s) else {
                throw PayloadError(path: "$.duration", reason: "expected a duration such as \"30m\", \"2h\" or \"1h30m\", got \"\(s)\"")
            }
            guard ms >= minSnoozeMillis, ms <= maxSnoozeMillis else {
                throw PayloadError(
                    path: "$.duration",
                    reason: "a snooze lasts from \(formatDurationMillis(minSnoozeMillis)) to \(formatDurationMillis(maxSnoozeMillis)), got \"\(s)\"")
            }
            out.durationMillis = ms
        } else if verb == .snooze {
            throw PayloadError(path: "$.duration", reason: "missing field: a snooze needs a duration such as \"30m\" or \"2h\"")
        }
        return out
    }
}
