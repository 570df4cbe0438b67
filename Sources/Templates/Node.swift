/// One compiled piece of a template. Sections hold their bodies, so a template is a tree.
enum Node: Sendable {
    /// Literal text, printed as is.
    case text(String)
    /// The start of a source line that is not a standalone tag line. Prints the indentation of
    /// the standalone partial tag that included this template (nothing at the top level), which
    /// is how the spec's "indent every line of the partial" rule works on compiled partials.
    case lineStart
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{& name}}` (not escaped).
    case variable(Expression, escaped: Bool)
    /// `{{#name}}…{{/name}}`, or `{{^name}}…{{/name}}` when `inverted`.
    case section(Expression, body: [Node], inverted: Bool)
    /// `{{> name}}`; `indent` is the whitespace before a standalone partial tag, else empty.
    case partial(name: String, indent: String)
}

/// A name, such as `alert.labels.severity` or `.`, followed by zero or more helpers.
struct Expression: Sendable {
    /// Dotted parts; empty for the implicit iterator `.`.
    var path: [String]
    /// Helpers applied left to right to the value found at `path`.
    var helpers: [Helper]
    /// The tag content with all whitespace removed; a closing tag may repeat it instead of the name.
    var compactText: String

    /// The name as written: `a.b`, or `.` for the implicit iterator.
    var name: String { path.isEmpty ? "." : path.joined(separator: ".") }
}

/// An argument of a helper: a quoted literal or a name looked up in the context.
enum HelperArgument: Sendable {
    case literal(String)
    case path([String])
}
