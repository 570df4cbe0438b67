import AlertCore
import Ctl
import Foundation
import Testing
import TestSupport

@Suite struct NormalizeCommandTests {
    static let am = TestEnvironment.samples.appendingPathComponent("alertmanager")

    @Test func alertmanagerSamplePrintsOneAlertPerLine() async throws {
        let path = Self.am.appendingPathComponent("am_firing_two_alerts_oncall_example.json").path
        let sample = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any],
            "sample \(path) is readable")
        let elements = try #require(sample["alerts"] as? [[String: Any]])
        let (code, out) = await ctl(["normalize", "--source", "alertmanager", path])
        #expect(code == 0, "\(out.stderr)")
        #expect(out.lines.count == elements.count)
        for (line, element) in zip(out.lines, elements) {
            let alert = try Codec.decode(Alert.self, from: Array(line.utf8))
            #expect(alert.source == "alertmanager")
            #expect(alert.integration == "klaxonctl")
            #expect(alert.labels == (element["labels"] as? [String: String]))
            #expect(line == String(decoding: Codec.encode(alert), as: UTF8.self), "exactly what the gateway publishes")
        }
    }

    @Test func integrationFromTheConfig() async throws {
        let path = Self.am.appendingPathComponent("am_firing_single_blackbox_probe.json").path
        let config = ConfigCheckCommandTests.local
        let (code, out) = await ctl(["normalize", "--config", config, "--integration", "demo-alertmanager", path])
        #expect(code == 0, "\(out.stderr)")
        let alert = try Codec.decode(Alert.self, from: Array(try #require(out.lines.first).utf8))
        #expect(alert.integration == "demo-alertmanager")
        #expect(alert.title == "BlackBox Probe Failure: https://server.example.org")
        let (c2, o2) = await ctl(["normalize", "--config", config, "--integration", "nope", path])
        #expect(c2 == 2 && o2.stderr.contains("no integration named \"nope\""))
    }

    @Test func rejectedPayloadExits2WithTheGatewaysReason() async throws {
        let path = Self.am.appendingPathComponent("constructed_am_envelope_missing_alerts.json").path
        let (code, out) = await ctl(["normalize", "--source", "alertmanager", path])
        #expect(code == 2)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr == "$.alerts: missing field; an Alertmanager webhook carries an array of alerts\n")

        let deep = FileManager.default.temporaryDirectory.appendingPathComponent("klaxonctl-deep-\(UUID().uuidString).json")
        try Data((String(repeating: "[", count: 40) + String(repeating: "]", count: 40)).utf8).write(to: deep)
        defer { try? FileManager.default.removeItem(at: deep) }
        let (c2, o2) = await ctl(["normalize", "--source", "alertmanager", deep.path])
        #expect(c2 == 2)
        #expect(o2.stderr == "JSON nesting depth 40 exceeds the limit of 32\n")
    }

    @Test func usageErrors() async throws {
        for args in [
            ["normalize"], ["normalize", "x.json"], ["normalize", "--source", "nagios", "x.json"],
            ["normalize", "--source", "alertmanager", "/nonexistent.json"], ["normalize", "--integration", "a", "x.json"],
        ] {
            let (code, out) = await ctl(args)
            #expect(code == 2, "\(args): \(out.stderr)")
        }
    }
}
