import AMQP
import AlertCore
import Foundation
import Gateway
import ICal
import OnCall
import OnCallRuntime
import Signing
import TestSupport
import Testing
import WorkerKit
import YAMLConfig

/// The gateway's calendar feeds against real Redis (run-time overrides) and RabbitMQ: a good
/// token gets a calendar that `ICalImport` reads back to the roster's shifts; a bad one 403;
/// an unknown name 404; no secret configured 404.
@Suite(.serialized) struct GatewayFeedTests {
    static let secret = "feed-secret-0123456789abcdef"
    /// The gateway's clock: 10:00 in Berlin on 2026-03-02 (alice's shift in `db`).
    static let now = Date(timeIntervalSince1970: 1_772_442_000)
    static let oncall = """
        people:
          - {id: alice, name: Alice Zhang, email: alice@example.com, contact_rules: {default: [email]}}
          - {id: bob, name: Bob Li, email: bob@example.com, contact_rules: {default: [email]}}
          - {id: carol, name: Carol, email: carol@example.com, contact_rules: {default: [email]}}
        schedules:
          - name: db
            time_zone: Europe/Berlin
            layers:
              - rotation: {people: [alice, bob], start: 2026-01-05, handoff: "09:00", every: 1d, hours: "08:00-20:00"}
          - name: web ops
            time_zone: UTC
            layers:
              - rotation: {people: [carol, alice], start: 2026-01-01, every: 1w}
        """

    struct Running {
        let gateway: GatewayService
        let publisher: Publisher
        let config: KlaxonConfig
        let cache: RosterCache
        let redis: SharedRedis
        let port: Int
        var base: String { "http://127.0.0.1:\(port)" }

        func finish() async {
            gateway.stop()
            await publisher.shutdown()
            if let keys = try? await redis.command(["KEYS", "\(config.broker.namespace):*"]), case .array(let items) = keys {
                for k in items { if let s = k.string { _ = try? await redis.command(["DEL", s]) } }
            }
            redis.close()
            TestEnvironment.removeTopology(config)
        }
    }

    func start(secret: Bool = true) throws -> Running {
        _ = try TestEnvironment.broker()
        _ = try TestEnvironment.redis()
        let extra = Self.oncall + (secret ? "\noncall: {feed_secret_env: FEED_SECRET}" : "")
        let config = try ConfigLoader.parse(
            TestEnvironment.configYAML(namespace: TestEnvironment.namespace(), extra: extra),
            environment: ["TEST_TOKEN": TestEnvironment.token, "FEED_SECRET": Self.secret])
        let metrics = Metrics()
        let logger = Logger(process: "test", minimum: .error)
        let redis = SharedRedis(config.redis)
        let cache = RosterCache(
            config: config, store: OverrideStore(redis: redis, namespace: config.broker.namespace),
            logger: logger, metrics: metrics, now: { Self.now })
        let publisher = try GatewayService.makePublisher(config: config, metrics: metrics)
        let gateway = GatewayService(
            config: config, publisher: publisher, logger: logger, metrics: metrics,
            roster: { cache.roster }, now: { Self.now })
        return Running(gateway: gateway, publisher: publisher, config: config, cache: cache, redis: redis, port: try gateway.start())
    }

    func token(_ subject: String) -> String {
        String(Signing.hex(Signing.hmacSHA256(key: Array(Self.secret.utf8), message: Array(subject.utf8))).prefix(32))
    }

    /// Shifts as (person, start, end), the part a calendar carries.
    struct Span: Hashable, CustomStringConvertible {
        let person: String
        let start: Date
        let end: Date
        var description: String { "\(person) \(start)..\(end)" }
    }

    func read(_ body: Data, people: [Person]) throws -> Set<Span> {
        let (from, to) = CalendarFeed.window(now: Self.now)
        let r = try ICalImport.shifts(ics: String(decoding: body, as: UTF8.self), from: from, to: to, people: people, defaultZone: .gmt)
        #expect(r.warnings.isEmpty, "\(r.warnings)")
        return Set(r.shifts.map { Span(person: $0.person.rawValue, start: $0.start, end: $0.end) })
    }

    @Test func aGoodTokenGetsTheFinalShiftsWithRunTimeOverrides() async throws {
        let g = try start()
        // A run-time override in Redis, as `klaxonctl oncall override add` stores it.
        let o = StoredOverride(
            id: "ov-0000feed", schedule: "db", person: "carol", covering: "alice",
            from: Self.now, to: Self.now.addingTimeInterval(7200), createdBy: "test", createdAt: Self.now)
        try await OverrideStore(redis: g.redis, namespace: g.config.broker.namespace).add(o)
        await g.cache.refresh()
        let (from, to) = CalendarFeed.window(now: Self.now)
        let db = try #require(g.cache.roster.schedules["db"]).shifts(from: from, to: to)
        #expect(db.contains { $0.source == .override("ov-0000feed") && $0.personID == "carol" }, "the override is in the roster")

        let r = try await http("GET", "\(g.base)/schedules/db.ics?token=\(token("schedule/db"))")
        #expect(r.status == 200, "\(String(decoding: r.body, as: UTF8.self))")
        #expect(r.headers["content-type"] == "text/calendar; charset=utf-8")
        #expect(String(decoding: r.body, as: UTF8.self).contains("X-WR-CALNAME:db"))
        let got = try read(r.body, people: g.config.people)
        let want = Set(db.map { Span(person: $0.personID.rawValue, start: $0.start, end: $0.end) })
        #expect(got == want, "only in the feed: \(got.subtracting(want)); missing: \(want.subtracting(got))")

        // A person's feed: their shifts in every schedule (a name with a space, percent-encoded).
        let carol = try await http("GET", "\(g.base)/people/carol.ics?token=\(token("person/carol"))")
        #expect(carol.status == 200)
        let web = try #require(g.cache.roster.schedules["web ops"]).shifts(from: from, to: to)
        let expected = (db + web).filter { $0.personID == "carol" }.map { Span(person: "carol", start: $0.start, end: $0.end) }
        #expect(expected.count > 2, "carol has shifts in both schedules")
        #expect(try read(carol.body, people: g.config.people) == Set(expected))
        let webFeed = try await http("GET", "\(g.base)/schedules/web%20ops.ics?token=\(token("schedule/web ops"))")
        #expect(webFeed.status == 200, "\(String(decoding: webFeed.body, as: UTF8.self))")
        #expect(try read(webFeed.body, people: g.config.people) == Set(web.map { Span(person: $0.personID.rawValue, start: $0.start, end: $0.end) }))
        await g.finish()
    }

    @Test func badTokensAre403AndUnknownNames404() async throws {
        let g = try start()
        let cases: [(String, Int, String)] = [
            ("/schedules/db.ics?token=\(token("schedule/web ops"))", 403, "wrong token"),
            ("/schedules/db.ics?token=\(token("schedule/db").dropLast())", 403, "wrong token"),
            ("/schedules/db.ics", 403, "missing token"),
            ("/people/alice.ics?token=\(token("schedule/db"))", 403, "wrong token"),
            ("/schedules/nope.ics?token=\(token("schedule/nope"))", 404, "no schedule named \"nope\""),
            ("/people/zed.ics?token=\(token("person/zed"))", 404, "no person with id \"zed\""),
        ]
        for (path, status, reason) in cases {
            let r = try await http("GET", g.base + path)
            #expect(r.status == status, "\(path) → \(r.status) \(String(decoding: r.body, as: UTF8.self))")
            #expect(r.headers["content-type"] == "application/json")
            #expect((r.json["error"] as? String)?.contains(reason) == true, "\(path): \(r.json)")
        }
        let post = try await http("POST", "\(g.base)/schedules/db.ics?token=\(token("schedule/db"))")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        await g.finish()
    }

    @Test func withoutASecretEveryFeedIs404() async throws {
        let g = try start(secret: false)
        let r = try await http("GET", "\(g.base)/schedules/db.ics?token=\(token("schedule/db"))")
        #expect(r.status == 404)
        #expect((r.json["error"] as? String)?.contains("oncall.feed_secret_env is not configured") == true, "\(r.json)")
        await g.finish()
    }
}
