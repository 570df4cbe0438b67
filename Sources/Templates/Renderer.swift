/// Renders compiled nodes against a context stack. One renderer per `render` call; the
/// template itself is never mutated, which is what makes sharing a `Template` safe.
struct Renderer {
    /// Partials nested deeper than this render as nothing, so a partial that includes itself
    /// unconditionally ends instead of overflowing the stack.
    static let maxPartialDepth = 100

    let partials: [String: Template]
    let escaping: Escaping
    private(set) var output = ""
    private var stack: [TemplateValue]
    private var partialDepth = 0

    init(context: TemplateValue, partials: [String: Template], escaping: Escaping) {
        self.partials = partials
        self.escaping = escaping
        self.stack = [context]
    }

    /// Appends the rendering of `nodes`; `indent` goes at the start of every source line.
    mutating func render(_ nodes: [Node], indent: String) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .lineStart:
                output += indent
            case .variable(let expression, let escaped):
                guard let value = evaluate(expression) else { continue }
                let text = value.renderedText
                output += escaped ? escaping.escape(text) : text
            case .section(let expression, let body, let inverted):
                renderSection(evaluate(expression) ?? .null, body: body, inverted: inverted, indent: indent)
            case .partial(let name, let extraIndent):
                guard let partial = partials[name], partialDepth < Self.maxPartialDepth else { continue }
                partialDepth += 1
                render(partial.nodes, indent: indent + extraIndent)
                partialDepth -= 1
            }
        }
    }

    private mutating func renderSection(_ value: TemplateValue, body: [Node], inverted: Bool, indent: String) {
        if inverted {
            if !value.isTruthy { render(body, indent: indent) }
        } else if case .list(let items) = value {
            for item in items {
                stack.append(item)
                render(body, indent: indent)
                stack.removeLast()
            }
        } else if value.isTruthy {
            stack.append(value)
            render(body, indent: indent)
            stack.removeLast()
        }
    }

    /// The value of a name, after its helpers; `nil` when the name is not found.
    private func evaluate(_ expression: Expression) -> TemplateValue? {
        var value = lookup(expression.path)
        for helper in expression.helpers {
            value = helper.apply(to: value, lookup: lookup)
        }
        return value
    }

    /// Spec name resolution: the first part is looked up from the top of the context stack
    /// down; each further part only inside the previous result. `[]` is the top (`{{.}}`).
    private func lookup(_ path: [String]) -> TemplateValue? {
        guard let first = path.first else { return stack.last }
        var found: TemplateValue?
        for context in stack.reversed() {
            if case .dictionary(let entries) = context, let value = entries[first] {
                found = value
                break
            }
        }
        for part in path.dropFirst() {
            guard case .dictionary(let entries)? = found else { return nil }
            found = entries[part]
        }
        return found
    }
}
