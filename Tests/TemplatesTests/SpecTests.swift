import Testing
import Templates

@Suite("Mustache spec")
struct SpecTests {
    @Test("spec case", arguments: MustacheSpec.entries)
    func specCase(_ entry: SpecEntry) throws {
        switch entry {
        case .loadFailure(let message):
            Issue.record("Cannot run the Mustache spec: \(message)")
        case .test(let specCase):
            let partials = try (specCase.partials ?? [:]).mapValues { try Template(source: $0) }
            let template = try Template(source: specCase.template)
            let rendered = template.render(specCase.data, partials: partials, escaping: .html)
            #expect(rendered == specCase.expected, "\(specCase.desc)")
        }
    }

    @Test("every required spec file is present and non-empty")
    func specFilesPresent() throws {
        for file in MustacheSpec.files {
            let cases = try MustacheSpec.load(file)
            #expect(!cases.isEmpty, "\(file).json has no cases")
        }
    }
}

extension SpecEntry: CustomTestStringConvertible {
    /// Names each parameterized case after its file and spec name.
    var testDescription: String { description }
}
