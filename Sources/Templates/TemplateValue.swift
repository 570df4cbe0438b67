/// A value a template can read: the context passed to ``Template/render(_:partials:escaping:)``.
///
/// Build one with literals (`["alert": ["labels": ["severity": "critical"]]]`), with
/// ``init(_:)`` from Swift strings, numbers, arrays and `[String: …]` dictionaries, or decode
/// one from JSON (it is `Decodable`).
///
/// How each case behaves in a template:
///
/// | Case | `{{name}}` prints | `{{#name}}…{{/name}}` |
/// |---|---|---|
/// | `.string` | the string | renders once, unless the string is empty |
/// | `.number` | `85`, `1.21` (integral values have no `.0`) | renders once (0 too) |
/// | `.bool` | `true` / `false` | renders once if `true` |
/// | `.null`, missing | nothing | skipped |
/// | `.list` | items joined by `", "` | once per item, the item on top of the context |
/// | `.dictionary` | `key=value` pairs sorted by key, joined by `", "` | once, the dictionary on top |
///
/// Inverted sections (`{{^name}}`) render exactly when the section above would be skipped.
public enum TemplateValue: Sendable, Hashable {
    /// No value; falsey, prints nothing.
    case null
    /// A boolean; `false` is falsey.
    case bool(Bool)
    /// A number. Integral values print without a fraction.
    case number(Double)
    /// A string; the empty string is falsey.
    case string(String)
    /// A list; the empty list is falsey, a section iterates over the items.
    case list([TemplateValue])
    /// Named values; names in templates look keys up here.
    case dictionary([String: TemplateValue])

    /// Whether a section over this value renders (and an inverted section does not).
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number: true
        case .string(let value): !value.isEmpty
        case .list(let items): !items.isEmpty
        case .dictionary: true
        }
    }

    /// The text `{{name}}` prints for this value, before escaping.
    public var renderedText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.format(value)
        case .string(let value): value
        case .list(let items): items.map(\.renderedText).joined(separator: ", ")
        case .dictionary(let entries):
            entries.keys.sorted().map { "\($0)=\(entries[$0]!.renderedText)" }.joined(separator: ", ")
        }
    }

    /// The value under `key` if this is a dictionary.
    public subscript(key: String) -> TemplateValue? {
        guard case .dictionary(let entries) = self else { return nil }
        return entries[key]
    }

    /// A list of `{key, value}` dictionaries, sorted by key: what the `pairs` helper produces.
    ///
    /// Use it to iterate over labels in a stable order:
    /// `{{#labelPairs}}{{key}}={{value}}{{/labelPairs}}` with
    /// `"labelPairs": .keyValuePairs(alert.labels)`.
    public static func keyValuePairs(_ entries: [String: some TemplateValueConvertible]) -> TemplateValue {
        .list(
            entries.keys.sorted().map { key in
                .dictionary(["key": .string(key), "value": entries[key]!.templateValue])
            })
    }

    /// Prints integral numbers like integers (`85`, not `85.0`) and others in shortest form.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(.towardZero), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}
