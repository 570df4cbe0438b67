/// A compiled Mustache template: parse once, render many times, from any number of tasks.
///
/// The `Templates` module renders Klaxon's notification messages for every channel (e-mail
/// subject, text and HTML; DingTalk and WeCom markdown). It implements the Mustache spec
/// (v1.x: interpolation, sections, inverted sections, comments, set delimiters, partials and the
/// standalone-line rules; not lambdas) in pure Swift with no I/O.
///
/// ```swift
/// let subject = try Template(source: "[{{status}}] {{alert.title}}")
/// let text = subject.render(["status": "FIRING", "alert": ["title": "Disk < 5%"]], escaping: .none)
/// // "[FIRING] Disk < 5%"
/// ```
///
/// ## Escaping
/// `{{name}}` is escaped according to the ``Escaping`` given at render time: `.html` (the
/// default, as the spec requires) for HTML, `.none` for plain text and markdown.
/// `{{{name}}}` and `{{& name}}` are never escaped.
///
/// ## Labels
/// Labels are a dictionary in the context, so the spec's own rules give lookups:
/// `{{alert.labels.severity}}`, or `{{#alert.labels}}{{severity}} on {{instance}}{{/alert.labels}}`.
/// `{{alert.labels}}` alone prints every label as `key=value` pairs sorted by key.
///
/// To iterate over labels in a stable order, either let the template convert them with the
/// `pairs` helper: `{{#alert.labels | pairs}}- {{key}}: {{value}}\n{{/alert.labels}}`, or have
/// the caller build the list: `"labelPairs": .keyValuePairs(alert.labels)` and
/// `{{#labelPairs}}- {{key}}: {{value}}\n{{/labelPairs}}`. Both give `{key, value}` items sorted by key.
///
/// ## Helpers
/// A variable or section tag may pipe its value through built-in helpers:
/// `{{ name | helper }}` or `{{ name | helper: argument }}`, applied left to right.
/// Arguments are quoted literals (`"Asia/Shanghai"`) or names looked up in the context.
/// - `time` / `time: zone`: an RFC 3339 string printed in the IANA `zone` (default UTC):
///   `{{alert.startsAt | time: "Asia/Shanghai"}}` → `2026-01-02 08:30:12 CST`;
///   `{{alert.startsAt | time: receiver.timeZone}}` takes the zone from the context.
///   Values that are not RFC 3339, and zones from the context that are unknown, print unchanged.
/// - `pairs`: a dictionary as a list of `{key, value}` dictionaries sorted by key.
///
/// Helpers cannot collide with the spec: the spec forbids whitespace in names and never uses `|`
/// in one, so only tags containing `|` use them. Unknown helpers, wrong argument counts and
/// unknown literal zones are compile errors. (With `|` set as a delimiter, helpers are unusable.)
/// A closing tag may repeat the name (`{{/alert.labels}}`) or the whole expression.
///
/// ## Partials
/// Partials are compiled templates passed at render time by name (`{{> footer}}`); a missing
/// partial renders as nothing. A partial on a line of its own is indented like its tag, line
/// by line, as the spec requires. Nesting deeper than 100 partials renders nothing further.
///
/// ## Concurrency
/// `Template` is an immutable value and `Sendable`: compile templates at startup, store them in
/// a registry, and render concurrently.
public struct Template: Sendable {
    let nodes: [Node]

    /// Compiles `source`.
    ///
    /// - Throws: ``TemplateError`` for the first problem in the source: an unclosed tag or
    ///   section, a closing tag that matches nothing, an empty or malformed name, a bad
    ///   set-delimiter tag, or an unknown helper. The error gives the line and column.
    public init(source: String) throws(TemplateError) {
        var parser = Parser(source: source)
        nodes = try parser.parse()
    }

    /// Renders the template with `context` at the bottom of the context stack.
    ///
    /// - Parameters:
    ///   - context: The data; usually a ``TemplateValue/dictionary(_:)``.
    ///   - partials: Templates that `{{> name}}` includes, by name.
    ///   - escaping: How `{{name}}` escapes its output; `.html` by default.
    /// - Returns: The rendered text. Rendering never fails: missing names print nothing.
    public func render(
        _ context: TemplateValue, partials: [String: Template] = [:], escaping: Escaping = .html
    ) -> String {
        var renderer = Renderer(context: context, partials: partials, escaping: escaping)
        renderer.render(nodes, indent: "")
        return renderer.output
    }
}
