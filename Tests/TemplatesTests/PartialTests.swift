import Testing
import Templates

@Suite("Partials beyond the spec's cases")
struct PartialTests {
    @Test("nested standalone partials add up their indentation; standalone lines inside stay removed")
    func nestedIndentation() throws {
        let outer = try Template(source: "<\n  {{>a}}\n>")
        let a = try Template(source: "{{#items}}\n- {{.}}\n  {{>b}}\n{{/items}}\n")
        let b = try Template(source: "b1\r\nb2\n")
        let rendered = outer.render(["items": ["x", "y"]], partials: ["a": a, "b": b])
        #expect(rendered == "<\n  - x\n    b1\r\n    b2\n  - y\n    b1\r\n    b2\n>")
    }

    @Test("interpolated multi-line values are not indented")
    func valuesNotIndented() throws {
        let outer = try Template(source: "  {{>p}}\n")
        let p = try Template(source: "[{{{v}}}]\n")
        #expect(outer.render(["v": "1\n2"], partials: ["p": p]) == "  [1\n2]\n")
    }

    @Test("a partial that includes itself unconditionally stops at the depth limit")
    func runawayRecursion() throws {
        let p = try Template(source: "x{{>p}}")
        let rendered = p.render([:], partials: ["p": p])
        #expect(rendered == String(repeating: "x", count: 101))
    }

    @Test("an e-mail body with a shared footer partial, HTML escaped")
    func emailExample() throws {
        let body = try Template(
            source: """
                <h1>{{alert.title}}</h1>
                <ul>
                  {{#alert.labels | pairs}}
                  <li>{{key}}: {{value}}</li>
                  {{/alert.labels}}
                </ul>
                <p>Since {{alert.startsAt | time: receiver.timeZone}}</p>
                {{> footer}}

                """)
        let footer = try Template(source: "<small>Klaxon · {{receiver.name}}</small>\n")
        let context: TemplateValue = [
            "alert": [
                "title": "Disk < 5% on db-1",
                "labels": ["severity": "critical", "alertname": "DiskFull"],
                "startsAt": "2026-01-02T00:30:12Z",
            ],
            "receiver": ["name": "ops & dba", "timeZone": "Asia/Shanghai"],
        ]
        let expected = """
            <h1>Disk &lt; 5% on db-1</h1>
            <ul>
              <li>alertname: DiskFull</li>
              <li>severity: critical</li>
            </ul>
            <p>Since 2026-01-02 08:30:12 CST</p>
            <small>Klaxon · ops &amp; dba</small>

            """
        #expect(body.render(context, partials: ["footer": footer]) == expected)
    }
}
