import Foundation
import TimeKit

/// A built-in helper, written after a name and a `|` in any variable or section tag.
///
/// - `time` / `time: zone`: reads an RFC 3339 string (`2026-01-02T00:30:12.5Z`) and prints it
///   in `zone` (an IANA name, default UTC) as `2026-01-02 08:30:12 CST`. `zone` is a quoted
///   literal (`"Asia/Shanghai"`, checked when the template is compiled) or a name looked up in
///   the context (`receiver.timeZone`). A value that is not RFC 3339, or a looked-up zone that
///   is unknown, prints unchanged: the raw timestamp is still correct, only less friendly.
/// - `pairs`: turns a dictionary into a list of `{key, value}` dictionaries sorted by key, for
///   `{{#labels | pairs}}{{key}}={{value}}{{/labels}}`. Anything else becomes missing.
enum Helper: Sendable {
    case time(zone: ZoneArgument)
    case pairs

    /// Where `time` gets its zone.
    enum ZoneArgument: Sendable {
        /// A zone and the identifier it was written as (Foundation reports `UTC` as `GMT`).
        case fixed(TimeZone, identifier: String)
        case lookup([String])
    }

    /// Parses one `|`-separated part: `time`, `time: "Asia/Shanghai"`, `time: tz`, `pairs`.
    init(parsing text: String, tag: String, at position: SourcePosition) throws(TemplateError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let name: String
        var arguments: [HelperArgument] = []
        if let colon = trimmed.firstIndex(of: ":") {
            name = trimmed[..<colon].trimmingCharacters(in: .whitespacesAndNewlines)
            for argument in Expression.split(String(trimmed[trimmed.index(after: colon)...]), on: ",") {
                arguments.append(try HelperArgument(parsing: argument, tag: tag, at: position))
            }
        } else {
            name = trimmed
        }
        switch (name, arguments.count) {
        case ("time", 0):
            self = .time(zone: .fixed(TimeZone(identifier: "UTC")!, identifier: "UTC"))
        case ("time", 1):
            switch arguments[0] {
            case .literal(let identifier):
                guard let zone = TimeZone(identifier: identifier) else {
                    throw TemplateError(
                        .invalidHelper, at: position, "unknown time zone \"\(identifier)\" in \(tag) at \(position)")
                }
                self = .time(zone: .fixed(zone, identifier: identifier))
            case .path(let path):
                self = .time(zone: .lookup(path))
            }
        case ("pairs", 0):
            self = .pairs
        case ("time", _), ("pairs", _):
            throw TemplateError(
                .invalidHelper, at: position,
                "wrong arguments for helper '\(name)' in \(tag) at \(position): "
                    + (name == "time" ? "expected at most one time zone" : "expected none"))
        default:
            throw TemplateError(
                .invalidHelper, at: position,
                "unknown helper '\(name)' in \(tag) at \(position): known helpers are 'time' and 'pairs'")
        }
    }

    /// Applies the helper; `lookup` resolves names in the current context.
    func apply(to value: TemplateValue?, lookup: ([String]) -> TemplateValue?) -> TemplateValue? {
        switch self {
        case .pairs:
            guard case .dictionary(let entries)? = value else { return nil }
            return .keyValuePairs(entries)
        case .time(let zoneArgument):
            guard case .string(let text)? = value, let instant = RFC3339Time(text) else { return value }
            let zone: TimeZone
            let zoneIdentifier: String
            switch zoneArgument {
            case .fixed(let fixed, let identifier):
                zone = fixed
                zoneIdentifier = identifier
            case .lookup(let path):
                guard case .string(let identifier)? = lookup(path), let found = TimeZone(identifier: identifier) else {
                    return value
                }
                zone = found
                zoneIdentifier = identifier
            }
            return .string(instant.formatted(in: zone, named: zoneIdentifier))
        }
    }
}
