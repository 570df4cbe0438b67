import AlertCore
import Ctl
import Foundation
import HTTPServer
import OnCallRuntime
import Synchronization
import TestSupport
import Testing
import WorkerKit

/// `klaxonctl oncall sync-calendars` against a calendar served on loopback: a good calendar is
/// stored in Redis and answers `oncall now` (and a `RosterCache`); a broken one (HTML, as Google
/// answers for a private link, then a 404) is an error that keeps the last good copy.
@Suite(.serialized) struct OnCallSyncCalendarsTests {
    static let ics = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Klaxon tests//EN
        BEGIN:VEVENT
        UID:dave-week@example.com
        DTSTART:20260301T000000Z
        DTEND:20260401T000000Z
        SUMMARY:dave
        END:VEVENT
        END:VCALENDAR
        """.replacingOccurrences(of: "\n", with: "\r\n")

    /// What the fake calendar server answers.
    final class Calendar: Sendable {
        final class Answer: Sendable {
            let current = Mutex<(status: Int, body: String, contentType: String)>((200, OnCallSyncCalendarsTests.ics, "text/calendar"))
        }
        let answer = Answer()
        let server: HTTPServer
        init() throws {
            let answer = self.answer
            server = try HTTPServer(.init(host: "127.0.0.1", port: 0)) { _, respond in
                let a = answer.current.withLock { $0 }
                respond(HTTPResponse(status: a.status, headers: [("Content-Type", a.contentType)], body: Array(a.body.utf8)))
            }
        }
        var url: String { "http://127.0.0.1:\(server.port)/team/db.ics" }
    }

    @Test func storesAGoodCalendarAndKeepsItWhenTheNextFetchFails() async throws {
        let calendar = try Calendar()
        defer { calendar.server.stop() }
        let f = try await TestNamespace(
            declare: false,
            extraYAML: (OnCallFixture.yaml + """

                  - name: imported
                    time_zone: UTC
                    layers:
                      - ical: \(calendar.url)
                """).replacingOccurrences(
                    of: "people:\n", with: "people:\n  - {id: dave, name: Dave, email: dave@example.com, contact_rules: {default: [email]}}\n"))
        defer { f.close() }
        let at = "2026-03-10T12:00:00Z"

        let before = await ctl(f.ctlArgs("oncall", "now", "imported", "--at", at))
        #expect(before.code == 5 && before.out.stderr.contains("not fetched yet"), "\(before.out.stderr)")

        let sync = await ctl(f.ctlArgs("oncall", "sync-calendars"))
        #expect(sync.code == 0, "\(sync.out.stderr)")
        #expect(
            sync.out.lines == ["stored imported/0: 1 shifts in the next 60 days"] || sync.out.lines.first?.hasPrefix("stored imported/0") == true,
            "\(sync.out.lines)")
        let now = await ctl(f.ctlArgs("oncall", "now", "imported", "--at", at, "--json"))
        #expect(now.code == 0, "\(now.out.stderr)")
        #expect(now.out.lines.first?.contains("\"person\":\"dave\"") == true, "\(now.out.lines)")

        // The processes' roster reads the same copy.
        let redis = SharedRedis(f.config.redis)
        defer { redis.close() }
        let cache = RosterCache(
            config: f.config, store: nil, copies: CalendarCopies(redis: redis, namespace: f.namespace),
            logger: Logger(process: "test", minimum: .error), metrics: Metrics(), now: { Timestamps.parse(at)! })
        await cache.refresh()
        #expect(cache.roster.onCall("imported", at: Timestamps.parse(at)!) == ["dave"])

        // Google answers HTML for a private link; later the URL is gone.
        for (status, body, type, reason) in [
            (200, "<html><body>Sign in</body></html>", "text/html", "libical"), (404, "no", "text/plain", "HTTP 404"),
        ] {
            calendar.answer.current.withLock { $0 = (status, body, type) }
            let failed = await ctl(f.ctlArgs("oncall", "sync-calendars", "--json"))
            #expect(failed.code == 1)
            #expect(
                failed.out.lines.first?.contains("\"stored\":false") == true && failed.out.lines.first?.contains(reason) == true,
                "\(failed.out.lines)")
            let still = await ctl(f.ctlArgs("oncall", "now", "imported", "--at", at, "--json"))
            #expect(still.code == 0 && still.out.lines.first?.contains("\"person\":\"dave\"") == true, "the last good copy stays: \(still.out.lines)")
        }
    }
}
