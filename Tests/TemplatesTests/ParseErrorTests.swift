import Testing
import Templates

@Suite("Parse errors name the position and the problem")
struct ParseErrorTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var source: String
        var code: TemplateError.Code
        var line: Int
        var column: Int
        var message: String
        var testDescription: String { message }
    }

    static let fixtures: [Fixture] = [
        Fixture(
            source: "Alerts:\n\n{{#alerts}}\n- {{title}}\n", code: .unclosedSection, line: 3, column: 1,
            message: "unclosed section {{#alerts}} opened at line 3, column 1: no {{/alerts}} before the end of the template"),
        Fixture(
            source: "{{#a}}\n  {{^b}}x{{/b}}\n  {{#c}}\n{{/a}}", code: .unexpectedClosingTag, line: 4, column: 1,
            message: "closing tag {{/a}} at line 4, column 1 does not match section {{#c}} opened at line 3, column 3"),
        Fixture(
            source: "ok {{/alerts}}", code: .unexpectedClosingTag, line: 1, column: 4,
            message: "unexpected closing tag {{/alerts}} at line 1, column 4: no section is open"),
        Fixture(
            source: "Hello {{name", code: .unclosedTag, line: 1, column: 7,
            message: "unclosed tag at line 1, column 7: no '}}' after '{{name'"),
        Fixture(
            source: "x\n{{{raw}}", code: .unclosedTag, line: 2, column: 1,
            message: "unclosed tag at line 2, column 1: no '}}}' after '{{{raw}}'"),
        Fixture(
            source: "a {{ }} b", code: .invalidTag, line: 1, column: 3,
            message: "empty tag {{ }} at line 1, column 3: a name is required"),
        Fixture(
            source: "{{alert title}}", code: .invalidTag, line: 1, column: 1,
            message: "invalid name 'alert title' in {{alert title}} at line 1, column 1: names cannot contain whitespace"),
        Fixture(
            source: "{{a..b}}", code: .invalidTag, line: 1, column: 1,
            message: "invalid name 'a..b' in {{a..b}} at line 1, column 1: empty part between dots"),
        Fixture(
            source: "{{> }}", code: .invalidTag, line: 1, column: 1,
            message: "empty partial name in {{> }} at line 1, column 1"),
        Fixture(
            source: "{{=<% =}}", code: .invalidDelimiters, line: 1, column: 1,
            message: "invalid set-delimiter tag {{=<% =}} at line 1, column 1: expected two delimiters separated by whitespace, such as {{=<% %>=}}"),
        Fixture(
            source: "{{=<% %>=}}\n<%#alerts%>", code: .unclosedSection, line: 2, column: 1,
            message: "unclosed section <%#alerts%> opened at line 2, column 1: no <%/alerts%> before the end of the template"),
        Fixture(
            source: "{{ startsAt | shout }}", code: .invalidHelper, line: 1, column: 1,
            message: "unknown helper 'shout' in {{ startsAt | shout }} at line 1, column 1: known helpers are 'time' and 'pairs'"),
        Fixture(
            source: "at {{startsAt | time: \"Mars/Olympus\"}}", code: .invalidHelper, line: 1, column: 4,
            message: "unknown time zone \"Mars/Olympus\" in {{startsAt | time: \"Mars/Olympus\"}} at line 1, column 4"),
        Fixture(
            source: "{{labels | pairs: \"x\"}}", code: .invalidHelper, line: 1, column: 1,
            message: "wrong arguments for helper 'pairs' in {{labels | pairs: \"x\"}} at line 1, column 1: expected none"),
        Fixture(
            source: "{{t | time: \"UTC\", \"UTC\"}}", code: .invalidHelper, line: 1, column: 1,
            message: "wrong arguments for helper 'time' in {{t | time: \"UTC\", \"UTC\"}} at line 1, column 1: expected at most one time zone"),
        Fixture(
            source: "{{t | time: \"UTC}}", code: .invalidHelper, line: 1, column: 1,
            message: "invalid argument \"UTC in {{t | time: \"UTC}} at line 1, column 1: unterminated string literal"),
        // Columns count characters, not UTF-8 bytes.
        Fixture(
            source: "告警：{{#alerts}}", code: .unclosedSection, line: 1, column: 4,
            message: "unclosed section {{#alerts}} opened at line 1, column 4: no {{/alerts}} before the end of the template"),
    ]

    @Test("fixture", arguments: fixtures)
    func fixture(_ fixture: Fixture) {
        #expect {
            _ = try Template(source: fixture.source)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            #expect(error.code == fixture.code)
            #expect(error.line == fixture.line)
            #expect(error.column == fixture.column)
            #expect(error.description == fixture.message)
            return true
        }
    }

    @Test("typed throws: the error is a TemplateError without casting")
    func typedThrows() {
        do {
            _ = try Template(source: "{{#a}}")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unclosedSection)
            #expect("\(error.code)" == "unclosed section")
        }
    }
}
