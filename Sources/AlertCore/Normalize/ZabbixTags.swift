import Foundation

/// Zabbix event tags, from whichever key the media script used (`tags`, `EVENT.TAGSJSON`,
/// `event_tags`, any case and punctuation).
///
/// Accepted shapes, first match wins:
/// - a string holding a JSON array of `{"tag": name, "value": value}` (`{EVENT.TAGSJSON}`;
///   `key`/`name` are accepted for `tag`);
/// - the same array sent as real JSON;
/// - `{EVENT.TAGS}` text: `name:value, name2:value2` (a tag without `:` gets value "").
/// Anything else is not an error: the text is returned in `unparsed` for `fields["tags"]`.
/// Array elements that are not objects, or have no name, are skipped; values are taken as
/// text (numbers and booleans stringified, anything else "").
enum ZabbixTags {
    struct Result {
        var labels: [String: String] = [:]
        var unparsed: String?
    }

    static func read(_ o: PayloadObject) -> Result {
        for (k, v) in o.fields.sorted(by: { $0.key < $1.key }) where ["tags", "eventtagsjson", "eventtags"].contains(ZabbixKeys.canonical(k)) {
            switch v {
            case .array(let items):
                return Result(labels: fromArray(items))
            case .string(let text):
                let trimmed = text.trimmingWhitespace()
                if trimmed.isEmpty { return Result() }
                if trimmed.hasPrefix("["),
                    let parsed = try? JSONParsing.parse(Array(trimmed.utf8)), case .array(let items) = parsed
                {
                    return Result(labels: fromArray(items))
                }
                if let labels = fromText(trimmed) { return Result(labels: labels) }
                return Result(unparsed: text)
            default:
                continue
            }
        }
        return Result()
    }

    private static func fromArray(_ items: [JSONValue]) -> [String: String] {
        var out: [String: String] = [:]
        for case .object(let tag) in items {
            guard let name = nonEmpty(tag["tag"]?.scalarText ?? tag["key"]?.scalarText ?? tag["name"]?.scalarText) else { continue }
            out[name] = tag["value"]?.scalarText ?? ""
        }
        return out
    }

    /// `name:value, name2:value2`; `nil` when the text does not look like that (a JSON
    /// fragment, or a `{EVENT.TAGS}` macro the server did not expand).
    private static func fromText(_ text: String) -> [String: String]? {
        if text.hasPrefix("{") || text.hasPrefix("[") { return nil }
        var out: [String: String] = [:]
        for part in text.split(separator: ",") {
            let item = part.trimmingWhitespace()
            if item.isEmpty { continue }
            if let colon = item.firstIndex(of: ":") {
                let name = item[..<colon].trimmingWhitespace()
                if name.isEmpty { return nil }
                out[name] = item[item.index(after: colon)...].trimmingWhitespace()
            } else {
                out[item] = ""
            }
        }
        return out.isEmpty ? nil : out
    }
}
