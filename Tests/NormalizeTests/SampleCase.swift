import Foundation
import Testing
@testable import AlertCore

/// One sample file normalized as one kind, and what must come out.
struct SampleCase: Sendable, CustomTestStringConvertible {
    var file: String
    var kind: IntegrationKind
    var timeZone: TimeZone = .gmt
    var options = NormalizeOptions()
    var expected: Expectation

    var testDescription: String { "\(kind.rawValue) ← \(file)" }

    enum Expectation: Sendable {
        /// One entry per alert, in order, then source-specific checks on all of them.
        case alerts([Expected], facts: @Sendable ([Alert]) -> Void = { _ in })
        /// A `PayloadError` at `path` whose reason contains `reason`.
        case rejected(path: String, reason: String)
    }

    struct Expected: Sendable {
        var status: AlertStatus
        var fingerprint: String
        var title: String

        static func firing(_ fingerprint: String, _ title: String) -> Expected { Expected(status: .firing, fingerprint: fingerprint, title: title) }
        static func resolved(_ fingerprint: String, _ title: String) -> Expected {
            Expected(status: .resolved, fingerprint: fingerprint, title: title)
        }
    }

    static var all: [SampleCase] { alertmanager + grafana + skywalking + graylog + zabbix + generic + malformed }
}

@Suite("Every sample file")
struct SampleTests {
    @Test(arguments: SampleCase.all)
    func sample(_ c: SampleCase) throws {
        switch c.expected {
        case .alerts(let expected, let facts):
            let alerts = try Fixture.normalize(c.file, kind: c.kind, timeZone: c.timeZone, options: c.options)
            try #require(alerts.count == expected.count, "alert count")
            for (i, (alert, want)) in zip(alerts, expected).enumerated() {
                #expect(alert.status == want.status, "alert \(i) status")
                #expect(alert.fingerprint == want.fingerprint, "alert \(i) fingerprint")
                #expect(alert.title == want.title, "alert \(i) title")
                #expect(alert.source == c.kind.rawValue)
                #expect(alert.integration == "test-integration")
                #expect(alert.receivedAt == Fixture.receivedAtText)
                #expect(alert.id == "id-\(i + 1)")
                #expect(alert.v == Alert.version)
                #expect((alert.status == .resolved) == (alert.endsAt != nil), "endsAt only when resolved")
                #expect(Timestamps.parse(alert.startsAt) != nil, "startsAt \(alert.startsAt) is RFC 3339")
                if let end = alert.endsAt { #expect(Timestamps.parse(end) != nil, "endsAt \(end) is RFC 3339") }
                #expect(!alert.title.isEmpty && !alert.fingerprint.isEmpty && !alert.severity.isEmpty)
            }
            facts(alerts)
            // The normalized alert survives the wire.
            let data = try JSONEncoder().encode(alerts)
            #expect(try JSONDecoder().decode([Alert].self, from: data) == alerts)
        case .rejected(let path, let reason):
            let body = try JSONParsing.parse(try Samples.bytes(c.file))
            #expect {
                try Normalizer.normalize(body, kind: c.kind, context: Fixture.context(timeZone: c.timeZone, options: c.options))
            } throws: { error in
                guard let e = error as? PayloadError else { return false }
                return e.path == path && e.reason.contains(reason)
            }
        }
    }

    /// A new sample without a case here fails, so the table stays complete.
    @Test func everySampleFileHasACase() throws {
        let files = try Samples.allFiles()
        #expect(files.count >= 30, "found \(files.count) samples under \(Samples.root.path)")
        let covered = Set(SampleCase.all.map(\.file))
        for f in files { #expect(covered.contains(f), "no test case for sample \(f)") }
        for f in covered { #expect(files.contains(f), "case names a missing sample \(f)") }
    }
}
