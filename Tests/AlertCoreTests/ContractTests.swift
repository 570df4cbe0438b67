import AlertCore
import Foundation
import Testing

@Suite struct ContractTests {
    @Test func alertRoundTrips() throws {
        var a = alert(["alertname": "DiskFull", "severity": "critical", "описание": "диск", "告警": "磁盘"])
        a.suppressedRepeats = 37
        a.links = [AlertLink(title: "Source", url: "http://prom/graph?g0.expr=up&x=<1>")]
        let bytes = Codec.encode(a)
        #expect(try Codec.decode(Alert.self, from: bytes) == a)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"v\":1"))
    }

    @Test func notificationRoundTrips() throws {
        let n = AlertNotification(id: "n1", channel: "email", recipients: ["a@example.com"], route: "default", alert: alert(["a": "b"]))
        #expect(try Codec.decode(AlertNotification.self, from: Codec.encode(n)) == n)
    }

    @Test func decodeErrorsNameTheField() {
        do {
            _ = try Codec.decode(Alert.self, from: Array(#"{"v":1,"id":"x"}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.path.hasPrefix("$."))
            #expect(error.reason == "missing field")
        }
    }

    @Test func jsonLimits() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(throws: PayloadError.self) { try JSONParsing.parse(Array(deep.utf8), limits: JSONLimits(maxDepth: 32)) }
        // Brackets inside strings do not count.
        let text = #"{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#
        #expect(JSONParsing.nestingDepth(Array(text.utf8)) == 1)
        #expect(throws: PayloadError.self) { try JSONParsing.parse([0x7B, 0x22, 0xFF, 0x22, 0x7D]) }  // invalid UTF-8
        #expect(throws: PayloadError.self) { try JSONParsing.parse([]) }
    }

    @Test func timestamps() throws {
        let d = try #require(Timestamps.parse("2026-01-02T08:30:12.123456789+02:00"))
        #expect(Timestamps.format(d) == "2026-01-02T06:30:12.123Z")
        #expect(Timestamps.parse("2026-01-02T06:30:12Z") != nil)
        #expect(Timestamps.isUnset("0001-01-01T00:00:00Z"))
        #expect(Timestamps.local(d, timeZone: TimeZone(identifier: "Asia/Shanghai")!).hasPrefix("2026-01-02 14:30:12"))
    }

    @Test func fingerprintIgnoresOrderButNotStructure() {
        #expect(Fingerprint.ofLabels(["a": "1", "b": "2"]) == Fingerprint.ofLabels(["b": "2", "a": "1"]))
        #expect(Fingerprint.ofLabels(["a": "b=c"]) != Fingerprint.ofLabels(["a=b": "c"]))
        #expect(Fingerprint.hash("x").count == 16)
    }

    @Test func topologyNames() {
        let t = Topology(namespace: "klaxon")
        #expect(
            t.workQueues == [
                "klaxon.alerts.ingest", "klaxon.alerts.route", "klaxon.escalations", "klaxon.escalations.commands", "klaxon.notify.email",
                "klaxon.notify.dingtalk", "klaxon.notify.wecom", "klaxon.notify.feishu", "klaxon.notify.voice", "klaxon.notify.sms",
            ])
        #expect(t.deadLetterQueue(of: t.ingestQueue) == "klaxon.alerts.ingest.dlq")
        #expect(t.delayQueue(of: t.routeQueue, delayMillis: 60_000) == "klaxon.alerts.route.delay.1m")
        #expect(t.escalationWatchQueue(intervalMillis: 60_000) == "klaxon.escalations.watch.1m")
    }
}
