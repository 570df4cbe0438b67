import Foundation
import Testing
@testable import AlertCore
import TestSupport

/// The shared sample corpus, `../shared/samples/inbound` beside the package root. Never copied
/// into the repository: a missing corpus fails the tests that need it, saying where it looked.
enum Samples {
    static let root: URL = TestEnvironment.samples.standardizedFileURL

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// Throws (failing the test) with the path looked at when the corpus is not there.
    static func requireRoot() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw Missing(description: "sample corpus not found at \(root.path) (expected ../shared/samples/inbound next to the package root)")
        }
    }

    /// The bytes of one sample (`skywalking/x.json`); throws (failing the test) when absent.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        try requireRoot()
        let url = root.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Missing(description: "sample \(relativePath) not found under \(root.path)")
        }
        return Array(data)
    }

    /// Every `*.json` file in the corpus, as paths relative to its root, sorted.
    static func allFiles() throws -> [String] {
        try requireRoot()
        guard let e = FileManager.default.enumerator(atPath: root.path) else {
            throw Missing(description: "sample corpus not found at \(root.path)")
        }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            if p.hasSuffix(".json") { out.append(p) }
        }
        return out.sorted()
    }
}

/// Deterministic ids: `id-1`, `id-2`, … per context.
final class IDCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> String {
        lock.lock()
        defer { lock.unlock() }
        n += 1
        return "id-\(n)"
    }
}

enum Fixture {
    /// 2026-01-02T08:00:00Z.
    static let receivedAt = Date(timeIntervalSince1970: 1_767_340_800)
    static let receivedAtText = "2026-01-02T08:00:00.000Z"
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static func context(timeZone: TimeZone = .gmt, options: NormalizeOptions = NormalizeOptions()) -> NormalizeContext {
        let ids = IDCounter()
        return NormalizeContext(
            integration: "test-integration", receivedAt: receivedAt, timeZone: timeZone,
            options: options, makeID: { ids.next() })
    }

    /// Parses and normalizes a sample file.
    static func normalize(
        _ file: String, kind: IntegrationKind, timeZone: TimeZone = .gmt,
        options: NormalizeOptions = NormalizeOptions()
    ) throws -> [Alert] {
        let body = try JSONParsing.parse(try Samples.bytes(file))
        return try Normalizer.normalize(body, kind: kind, context: context(timeZone: timeZone, options: options))
    }

    /// Parses and normalizes an inline JSON text.
    static func normalize(
        json: String, kind: IntegrationKind, timeZone: TimeZone = .gmt,
        options: NormalizeOptions = NormalizeOptions()
    ) throws(PayloadError) -> [Alert] {
        let body = try JSONParsing.parse(Array(json.utf8))
        return try Normalizer.normalize(body, kind: kind, context: context(timeZone: timeZone, options: options))
    }

    /// The `PayloadError` normalizing `json` throws; records an issue when it does not throw.
    static func payloadError(
        json: String, kind: IntegrationKind, options: NormalizeOptions = NormalizeOptions(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> PayloadError? {
        do {
            let alerts = try normalize(json: json, kind: kind, options: options)
            Issue.record("expected a PayloadError, got \(alerts.count) alert(s)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

extension Alert {
    func link(_ title: String) -> String? { links.first { $0.title == title }?.url }
}
