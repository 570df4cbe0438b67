import Testing
import Templates

@Suite("Helpers: time zones and labels")
struct HelperTests {
    struct TimeCase: Sendable, CustomTestStringConvertible {
        var input: String
        var zone: String
        var expected: String
        var testDescription: String { "\(input) in \(zone)" }
    }

    static let timeCases: [TimeCase] = [
        TimeCase(input: "2026-01-02T00:30:12Z", zone: "Asia/Shanghai", expected: "2026-01-02 08:30:12 CST"),
        TimeCase(input: "2026-01-01T19:30:12.123456789-05:00", zone: "Asia/Shanghai", expected: "2026-01-02 08:30:12 CST"),
        TimeCase(input: "2026-01-02t08:30:12+08:00", zone: "UTC", expected: "2026-01-02 00:30:12 UTC"),
        TimeCase(input: "2025-12-31T20:00:00Z", zone: "Asia/Shanghai", expected: "2026-01-01 04:00:00 CST"),
        TimeCase(input: "2024-02-29T23:00:00Z", zone: "Asia/Tokyo", expected: "2024-03-01 08:00:00 JST"),
        TimeCase(input: "2026-01-02T00:30:12Z", zone: "America/New_York", expected: "2026-01-01 19:30:12 EST"),
        TimeCase(input: "2026-07-01T12:00:00Z", zone: "America/New_York", expected: "2026-07-01 08:00:00 EDT"),
        TimeCase(input: "2026-07-01T12:00:00Z", zone: "Europe/Berlin", expected: "2026-07-01 14:00:00 CEST"),
        TimeCase(input: "2026-01-02T00:30:12Z", zone: "Europe/Moscow", expected: "2026-01-02 03:30:12 MSK"),
        TimeCase(input: "1969-12-31T23:59:59Z", zone: "UTC", expected: "1969-12-31 23:59:59 UTC"),
    ]

    @Test("time: RFC 3339 in an IANA zone", arguments: timeCases)
    func time(_ timeCase: TimeCase) throws {
        let template = try Template(source: "{{ startsAt | time: \"\(timeCase.zone)\" }}")
        #expect(template.render(["startsAt": .string(timeCase.input)]) == timeCase.expected)
    }

    @Test("time without a zone prints UTC")
    func timeDefaultsToUTC() throws {
        let template = try Template(source: "{{startsAt|time}}")
        #expect(template.render(["startsAt": "2026-01-02T08:30:12+08:00"]) == "2026-01-02 00:30:12 UTC")
    }

    @Test("time takes its zone from the context")
    func zoneFromContext() throws {
        let template = try Template(source: "{{#alerts}}{{startsAt | time: receiver.tz}}\n{{/alerts}}")
        let context: TemplateValue = [
            "receiver": ["tz": "Asia/Shanghai"],
            "alerts": [["startsAt": "2026-01-02T00:30:12Z"], ["startsAt": "2026-01-02T01:00:00Z"]],
        ]
        #expect(template.render(context) == "2026-01-02 08:30:12 CST\n2026-01-02 09:00:00 CST\n")
    }

    @Test("zones without a listed abbreviation fall back to Foundation's GMT offset name")
    func fallbackAbbreviation() throws {
        let template = try Template(source: "{{t | time: \"Asia/Kathmandu\"}}")
        let rendered = template.render(["t": "2026-01-02T00:30:12Z"])
        #expect(rendered.hasPrefix("2026-01-02 06:15:12 "))
        #expect(rendered.count > "2026-01-02 06:15:12 ".count)
    }

    @Test("values that are not RFC 3339, and unknown zones from the context, print unchanged")
    func timeFallbacks() throws {
        let template = try Template(source: "{{t | time: \"Asia/Shanghai\"}}|{{u | time: tz}}|{{missing | time}}|")
        let context: TemplateValue = ["t": "yesterday", "u": "2026-01-02T00:30:12Z", "tz": "Nowhere/Land"]
        #expect(template.render(context) == "yesterday|2026-01-02T00:30:12Z||")
        let impossible = try Template(source: "{{t | time}}")
        #expect(impossible.render(["t": "2026-02-30T00:00:00Z"]) == "2026-02-30T00:00:00Z")
        #expect(impossible.render(["t": "2026-01-02T00:30:12"]) == "2026-01-02T00:30:12")
    }

    @Test("a helper's result can open a section")
    func timeInSection() throws {
        let template = try Template(source: "{{#endsAt | time: \"Asia/Shanghai\"}}ended {{.}}{{/endsAt}}{{^endsAt}}ongoing{{/endsAt}}")
        #expect(template.render(["endsAt": "2026-01-02T00:30:12Z"]) == "ended 2026-01-02 08:30:12 CST")
        #expect(template.render([:]) == "ongoing")
    }

    @Test("labels: dotted lookup and label sections work with plain Mustache")
    func labelLookup() throws {
        let context = TemplateValue(["labels": ["severity": "critical", "instance": "db-1"]])
        let template = try Template(source: "{{labels.severity}} {{#labels}}{{severity}}@{{instance}}{{/labels}} {{labels.nope}}.")
        #expect(template.render(context) == "critical critical@db-1 .")
    }

    @Test("labels: a dictionary prints as sorted key=value pairs")
    func labelsPrinted() throws {
        let template = try Template(source: "{{labels}}")
        #expect(template.render(["labels": ["b": "2", "a": "1", "c": "x<y"]]) == "a=1, b=2, c=x&lt;y")
    }

    @Test("pairs: iterate labels sorted by key")
    func pairsHelper() throws {
        let context: TemplateValue = ["labels": ["severity": "critical", "alertname": "DiskFull", "instance": "db-1"]]
        let byName = try Template(source: "{{#labels | pairs}}{{key}}={{value}};{{/labels}}")
        let byExpression = try Template(source: "{{#labels|pairs}}{{key}}={{value}};{{/labels | pairs}}")
        let expected = "alertname=DiskFull;instance=db-1;severity=critical;"
        #expect(byName.render(context) == expected)
        #expect(byExpression.render(context) == expected)
        let empty = try Template(source: "{{^labels | pairs}}no labels{{/labels}}")
        #expect(empty.render(["labels": [:]]) == "no labels")
        #expect(empty.render([:]) == "no labels")
    }

    @Test("keyValuePairs: the caller builds the sorted list")
    func callerBuiltPairs() throws {
        let labels = ["zone": "cn-north", "app": "api"]
        let template = try Template(source: "{{#labelPairs}}- {{key}}: {{value}}\n{{/labelPairs}}")
        let context = TemplateValue(["labelPairs": TemplateValue.keyValuePairs(labels)])
        #expect(template.render(context) == "- app: api\n- zone: cn-north\n")
    }
}
