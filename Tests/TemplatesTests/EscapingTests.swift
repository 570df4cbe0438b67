import Testing
import Templates

@Suite("Escaping chosen at render time")
struct EscapingTests {
    let context: TemplateValue = ["text": "a & b < c > d \"e\" 'f'"]

    @Test(".none prints values unchanged")
    func noneEscaping() throws {
        let template = try Template(source: "{{text}}|{{{text}}}|{{&text}}")
        let raw = "a & b < c > d \"e\" 'f'"
        #expect(template.render(context, escaping: .none) == "\(raw)|\(raw)|\(raw)")
    }

    @Test(".html escapes & < > \" in {{name}} only; ' is left alone as in the spec")
    func htmlEscaping() throws {
        let template = try Template(source: "{{text}}|{{{text}}}")
        let escaped = "a &amp; b &lt; c &gt; d &quot;e&quot; 'f'"
        #expect(template.render(context, escaping: .html) == "\(escaped)|a & b < c > d \"e\" 'f'")
        #expect(template.render(context) == template.render(context, escaping: .html))
    }

    @Test("template text itself is never escaped")
    func literalText() throws {
        let template = try Template(source: "<b>{{text}}</b> & more")
        #expect(template.render(["text": "<i>"]) == "<b>&lt;i&gt;</b> & more")
        #expect(template.render(["text": "<i>"], escaping: .none) == "<b><i></b> & more")
    }

    @Test("partials render with the caller's escaping")
    func partialsInheritEscaping() throws {
        let partial = try Template(source: "[{{text}}]")
        let template = try Template(source: "{{> p}}")
        #expect(template.render(["text": "<&>"], partials: ["p": partial], escaping: .none) == "[<&>]")
        #expect(template.render(["text": "<&>"], partials: ["p": partial]) == "[&lt;&amp;&gt;]")
    }

    @Test("Escaping.escape is usable on its own")
    func escapeFunction() {
        #expect(Escaping.html.escape("x<y") == "x&lt;y")
        #expect(Escaping.none.escape("x<y") == "x<y")
        #expect(Escaping.html.escape("plain") == "plain")
    }
}

@Suite struct StrictHTMLEscapingTests {
    @Test func escapesApostrophesOnlyWhenAsked() throws {
        let t = try Template(source: "<a title='{{v}}'>{{v}}</a>")
        let value: TemplateValue = ["v": "it's <b>&\"x\""]
        #expect(t.render(value, escaping: .html) == "<a title='it's &lt;b&gt;&amp;&quot;x&quot;'>it's &lt;b&gt;&amp;&quot;x&quot;</a>")
        #expect(t.render(value, escaping: .htmlStrict) == "<a title='it&#39;s &lt;b&gt;&amp;&quot;x&quot;'>it&#39;s &lt;b&gt;&amp;&quot;x&quot;</a>")
        #expect(Escaping.htmlStrict.escape("plain") == "plain")
    }
}
