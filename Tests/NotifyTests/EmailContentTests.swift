import AlertCore
import Testing
@testable import Notify

@Suite("EmailContent: the built-in rendering")
struct EmailContentTests {
    @Test func subjects() {
        #expect(EmailContent.subject(for: Fixtures.notification().alert) == "[FIRING][critical] High CPU on db-1")
        #expect(EmailContent.subject(for: Fixtures.notification(status: .resolved).alert) == "[RESOLVED][critical] High CPU on db-1")
    }

    @Test func textBodyHasTheFactsInOrder() throws {
        let c = EmailContent.render(Fixtures.notification(status: .resolved, suppressedRepeats: 4))
        let t = c.text
        for needle in [
            "Severity:", "critical", "Status:", "resolved", "alertmanager (integration prod-am)",
            "2026-01-02 08:30:12", "(2026-01-02T08:30:12Z)", "Ended:", "2026-01-02 09:00:00",
            "repeated 4 times", "https://grafana.example.com/d/x?a=1&b=2", "n-0001",
        ] {
            #expect(t.contains(needle), "text body lacks \(needle)")
        }
        let a = try #require(t.range(of: "alertname = HighCPU")), i = try #require(t.range(of: "instance = db-1:9100")),
            team = try #require(t.range(of: "team = dba"))
        #expect(a.lowerBound < i.lowerBound && i.lowerBound < team.lowerBound, "labels must be sorted")
        #expect(!EmailContent.render(Fixtures.notification()).text.contains("Ended:"))
        #expect(!EmailContent.render(Fixtures.notification()).text.contains("repeated"))
    }

    @Test func htmlEscapesEveryAlertValue() {
        let h = EmailContent.render(Fixtures.notification(title: "<script>alert('x')</script>")).html
        #expect(!h.contains("<script>"))
        #expect(h.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(h.contains("CPU above 90% for 10m &lt;check&gt; &amp; &quot;act&quot;"))
        #expect(h.contains("CPU is &lt;b&gt;hot&lt;/b&gt;"))
        #expect(h.contains("<a href=\"https://grafana.example.com/d/x?a=1&amp;b=2\">Dashboard</a>"))
        #expect(!h.contains("href=\"javascript"), "non-http links must not become anchors")
    }
}
