import Ctl
import Foundation
import Signing
import TestSupport
import Testing

/// `klaxonctl oncall feed-url`: the URL the gateway serves a calendar feed at, its token the
/// first 32 hex digits of HMAC-SHA256(secret, "schedule/<name>" | "person/<id>").
@Suite struct OnCallFeedURLTests {
    static let secret = "feed-secret-0123456789abcdef"
    static let environment = ["FEED_SECRET": secret]

    func token(_ subject: String) -> String {
        String(Signing.hex(Signing.hmacSHA256(key: Array(Self.secret.utf8), message: Array(subject.utf8))).prefix(32))
    }

    @Test func printsThePublicURLWithTheToken() async throws {
        let f = try await TestNamespace(
            declare: false,
            extraYAML: OnCallFixture.yaml + """

                gateway: {public_url: "https://klaxon.example.com/"}
                oncall: {feed_secret_env: FEED_SECRET}
                """, environment: Self.environment)
        defer { f.close() }
        let s = await ctl(f.ctlArgs("oncall", "feed-url", "web ops"), environment: Self.environment)
        #expect(s.code == 0, "\(s.out.stderr)")
        #expect(s.out.lines == ["https://klaxon.example.com/schedules/web%20ops.ics?token=\(token("schedule/web ops"))"])
        let p = await ctl(f.ctlArgs("oncall", "feed-url", "--person", "alice"), environment: Self.environment)
        #expect(p.out.lines == ["https://klaxon.example.com/people/alice.ics?token=\(token("person/alice"))"])
        let unknown = await ctl(f.ctlArgs("oncall", "feed-url", "--person", "zed"), environment: Self.environment)
        #expect(unknown.code == 2)
        #expect(unknown.out.stderr.contains("--person: no person with id \"zed\""))
        let unset = await ctl(f.ctlArgs("oncall", "feed-url", "db"))
        #expect(unset.code == 1)
        #expect(unset.out.stderr.contains("oncall.feed_secret_env"))
        #expect(unset.out.stderr.contains("environment variable FEED_SECRET is not set"))
    }

    @Test func withoutPublicURLTheListenAddress() async throws {
        let f = try await TestNamespace(
            declare: false,
            extraYAML: OnCallFixture.yaml + """

                gateway: {listen: "127.0.0.1:8080"}
                oncall: {feed_secret_env: FEED_SECRET}
                """, environment: Self.environment)
        defer { f.close() }
        let r = await ctl(f.ctlArgs("oncall", "feed-url", "db"), environment: Self.environment)
        #expect(r.out.lines == ["http://127.0.0.1:8080/schedules/db.ics?token=\(token("schedule/db"))"])
    }

    @Test func withoutAFeedSecretThereAreNoFeeds() async throws {
        let f = try await TestNamespace(declare: false, extraYAML: OnCallFixture.yaml)
        defer { f.close() }
        let r = await ctl(f.ctlArgs("oncall", "feed-url", "db"))
        #expect(r.code == 1)
        #expect(r.out.stderr.contains("has no oncall.feed_secret_env: the gateway serves no calendar feeds"))
    }
}
