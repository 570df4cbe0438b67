import Foundation
import Templates
import TestSupport

/// The official Mustache spec, read from `../shared/mustache-spec/` beside the package root.
/// The files are never copied into the repository.
enum MustacheSpec {
    /// The spec files every case of which must pass (lambdas are optional and not implemented).
    static let files = ["interpolation", "sections", "inverted", "comments", "delimiters", "partials"]

    static let directory: URL = TestEnvironment.shared.appendingPathComponent("mustache-spec").standardizedFileURL

    /// Every case of every file, or a single `.loadFailure` saying why none could be read, so
    /// that a missing spec directory fails the run instead of running zero cases.
    static let entries: [SpecEntry] = {
        do {
            return try files.flatMap { try load($0).map(SpecEntry.test) }
        } catch {
            return [.loadFailure("\(error)")]
        }
    }()

    /// The cases of one spec file.
    static func load(_ file: String) throws -> [SpecCase] {
        let url = directory.appendingPathComponent("\(file).json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw SpecLoadError(
                message: "Mustache spec file missing: \(url.path). The spec must be checked out at "
                    + "\(directory.path) (../shared/mustache-spec relative to the package root).")
        }
        let data = try Data(contentsOf: url)
        let decoded = try JSONDecoder().decode(SpecFile.self, from: data)
        guard !decoded.tests.isEmpty else {
            throw SpecLoadError(message: "Mustache spec file \(url.path) has no tests")
        }
        return decoded.tests.map { $0.inFile(file) }
    }
}

struct SpecLoadError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

private struct SpecFile: Decodable {
    var tests: [SpecCase]
}

/// One case of the spec: render `template` with `data` and `partials`, expect `expected`.
struct SpecCase: Decodable, Sendable {
    var file = ""
    var name: String
    var desc: String
    var data: TemplateValue
    var template: String
    var expected: String
    var partials: [String: String]?

    private enum CodingKeys: String, CodingKey {
        case name, desc, data, template, expected, partials
    }

    func inFile(_ file: String) -> SpecCase {
        var copy = self
        copy.file = file
        return copy
    }
}

/// An argument of the parameterized spec test.
enum SpecEntry: Sendable, CustomStringConvertible {
    case test(SpecCase)
    case loadFailure(String)

    var description: String {
        switch self {
        case .test(let specCase): "\(specCase.file).json: \(specCase.name)"
        case .loadFailure: "spec files could not be loaded"
        }
    }
}
