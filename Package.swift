// swift-tools-version:6.0
// Klaxon: no Swift package dependencies. Foundation plus Debian's C libraries, reached through
// system library targets (each a module map, a shim header and a pkg-config name).
import PackageDescription

// Swift 6 language mode (strict concurrency) everywhere; adapters import their C module with
// `internal import` so C types never leak into the public API.
let settings: [SwiftSetting] = []

func system(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "Klaxon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "klaxon-gateway", targets: ["klaxon-gateway"]),
        .executable(name: "klaxon-dedup", targets: ["klaxon-dedup"]),
        .executable(name: "klaxon-router", targets: ["klaxon-router"]),
        .executable(name: "klaxon-email", targets: ["klaxon-email"]),
        .executable(name: "klaxon-chat", targets: ["klaxon-chat"]),
        .executable(name: "klaxon-escalator", targets: ["klaxon-escalator"]),
        .executable(name: "klaxon-shift", targets: ["klaxon-shift"]),
        .executable(name: "klaxon-voice", targets: ["klaxon-voice"]),
        .executable(name: "klaxonctl", targets: ["klaxonctl"]),
    ],
    targets: [
        // C libraries from Debian.
        system("CRabbitMQ", pkgConfig: "librabbitmq", apt: "librabbitmq-dev"),
        system("CHiredis", pkgConfig: "hiredis", apt: "libhiredis-dev"),
        system("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        system("CMicroHTTPD", pkgConfig: "libmicrohttpd", apt: "libmicrohttpd-dev"),
        system("CCrypto", pkgConfig: "libcrypto", apt: "libssl-dev"),
        system("CYAML", pkgConfig: "yaml-0.1", apt: "libyaml-dev"),
        system("CICal", pkgConfig: "libical", apt: "libical-dev"),

        // Pure logic: models, normalization, config, routing, delivery decisions. No I/O.
        // Escalation until someone acknowledges: incidents, their pure state machine and the
        // resolver of a step's targets into recipients (policies are read by AlertCore's config).
        .target(name: "Escalation", dependencies: ["AlertCore", "OnCall", "TimeKit"], swiftSettings: settings),
        // Pure time: RFC 3339 text, zone abbreviations, wall-clock ↔ instant (DST rules), shared by
        // templates, the core and schedules.
        .target(name: "TimeKit", swiftSettings: settings),
        .target(name: "AlertCore", dependencies: ["Templates", "TimeKit", "OnCall"], swiftSettings: settings),
        // Dedicated threads for blocking C calls.
        .target(name: "Blocking", swiftSettings: settings),
        // Mustache templates (pure; AlertCore compiles the config's templates with it).
        .target(name: "Templates", dependencies: ["TimeKit"], swiftSettings: settings),
        // Who is on call: people, schedules (layers, rotations, overrides), DST-correct, pure.
        .target(name: "OnCall", dependencies: ["TimeKit"], swiftSettings: settings),

        // One thin adapter per C library.
        .target(name: "YAMLConfig", dependencies: ["CYAML", "AlertCore"], swiftSettings: settings),
        .target(name: "AMQP", dependencies: ["CRabbitMQ"], swiftSettings: settings),
        .target(name: "Redis", dependencies: ["CHiredis"], swiftSettings: settings),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"], swiftSettings: settings),
        .target(name: "CurlClient", dependencies: ["CCurl", "AlertCore"], swiftSettings: settings),
        .target(name: "Signing", dependencies: ["CCrypto"], swiftSettings: settings),
        // The signed acknowledge links in notifications (the escalator signs, the gateway checks).
        .target(name: "IncidentLinks", dependencies: ["AlertCore", "Signing"], swiftSettings: settings),
        // iCalendar import/export of on-call shifts (libical; fills its RECURRENCE-ID, Windows
        // zone and floating-time gaps).
        .target(name: "ICal", dependencies: ["CICal", "OnCall", "TimeKit"], swiftSettings: settings),

        // Runtime shared by every process: logging, metrics, health, consume loop, retries.
        .target(name: "WorkerKit", dependencies: ["AlertCore", "Escalation", "AMQP", "Redis", "HTTPServer", "YAMLConfig", "Blocking"], swiftSettings: settings),
        // Channels: one Notifier per channel.
        .target(name: "Notify", dependencies: ["AlertCore", "CurlClient", "Templates", "TimeKit", "Signing", "Blocking"], swiftSettings: settings),

        // The processes' logic, each a library so tests run them in-process.
        // docs/openapi.json is compiled in (Sources/Gateway/openapi.json links to it): the binary
        // serves the repository's one document without reading files at run time.
        // It also serves the incident pages of signed links and the incident API: it reads
        // incidents from the escalator's store and publishes people's commands to the escalator.
        .target(name: "Gateway", dependencies: ["AlertCore", "Templates", "WorkerKit", "AMQP", "HTTPServer", "Signing", "OnCall", "OnCallRuntime", "Escalation",
                                                "EscalatorStore", "IncidentLinks", "Redis"],
                resources: [.embedInCode("openapi.json")], swiftSettings: settings),
        // Who is on call, at run time: the roster from config, iCal files and Redis overrides.
        .target(name: "OnCallRuntime", dependencies: ["AlertCore", "OnCall", "TimeKit", "ICal", "WorkerKit", "Redis", "Signing"], swiftSettings: settings),
        // Fetches URL calendars into Redis (klaxonctl oncall sync-calendars): the only on-call
        // part that links an HTTP client, so no long-running process needs one for calendars.
        .target(name: "CalendarSync", dependencies: ["AlertCore", "OnCallRuntime", "CurlClient", "Blocking"], swiftSettings: settings),
        // Each worker process links only what it needs: the router and dedup never link libcurl.
        .target(name: "DedupWorker", dependencies: ["AlertCore", "WorkerKit", "AMQP", "Redis"], swiftSettings: settings),
        .target(name: "RouterWorker", dependencies: ["AlertCore", "WorkerKit", "AMQP", "OnCallRuntime", "Escalation"], swiftSettings: settings),
        .target(name: "ChannelWorkers", dependencies: ["AlertCore", "OnCall", "Escalation", "WorkerKit", "AMQP", "Redis", "Notify"], swiftSettings: settings),
        // The escalator's durable state in Redis: incidents as JSON with the set of open ones, and
        // the timers, claimed atomically with a lease so each due timer fires on one replica.
        .target(name: "EscalatorStore", dependencies: ["AlertCore", "Escalation", "Redis"], swiftSettings: settings),
        // klaxon-escalator: opens incidents for alerts routed to a policy, fires their timers,
        // applies people's commands and the watch, and publishes the pages to the channel queues.
        .target(name: "EscalatorWorker", dependencies: ["AlertCore", "Escalation", "EscalatorStore", "WorkerKit", "AMQP", "Redis", "OnCallRuntime", "IncidentLinks"],
                swiftSettings: settings),
        // Hand-over announcements, pure: a schedule's shifts between two instants → who is told
        // what, when, on which channel, with deterministic ids (klaxon-shift, klaxonctl shift).
        .target(name: "ShiftPlan", dependencies: ["AlertCore", "Escalation", "OnCall", "TimeKit"], swiftSettings: settings),
        // klaxon-shift: publishes each due hand-over announcement once (leased in Redis) to the
        // channel queues; consumes no queue.
        .target(name: "ShiftWorker", dependencies: ["AlertCore", "ShiftPlan", "OnCall", "TimeKit", "WorkerKit", "AMQP", "Redis", "Escalation", "EscalatorStore"], swiftSettings: settings),
        .target(name: "Ctl", dependencies: ["AlertCore", "WorkerKit", "AMQP", "YAMLConfig", "OnCall", "OnCallRuntime", "CalendarSync", "Redis", "TimeKit", "Escalation", "EscalatorStore", "ShiftPlan"],
                swiftSettings: settings),

        // Thin executables.
        .executableTarget(name: "klaxon-gateway", dependencies: ["Gateway", "WorkerKit", "OnCallRuntime"], swiftSettings: settings),
        .executableTarget(name: "klaxon-dedup", dependencies: ["DedupWorker", "WorkerKit"], swiftSettings: settings),
        .executableTarget(name: "klaxon-router", dependencies: ["RouterWorker", "WorkerKit", "OnCallRuntime"], swiftSettings: settings),
        .executableTarget(name: "klaxon-email", dependencies: ["ChannelWorkers", "WorkerKit", "Notify", "AlertCore"], swiftSettings: settings),
        .executableTarget(name: "klaxon-chat", dependencies: ["ChannelWorkers", "WorkerKit", "Notify", "AlertCore"], swiftSettings: settings),
        .executableTarget(name: "klaxon-voice", dependencies: ["ChannelWorkers", "WorkerKit", "Notify", "AlertCore"], swiftSettings: settings),
        .executableTarget(name: "klaxon-escalator", dependencies: ["EscalatorWorker", "WorkerKit", "OnCallRuntime"], swiftSettings: settings),
        .executableTarget(name: "klaxon-shift", dependencies: ["ShiftWorker", "WorkerKit", "OnCallRuntime"], swiftSettings: settings),
        .executableTarget(name: "klaxonctl", dependencies: ["Ctl"], swiftSettings: settings),
        // Benchmark helper for bench/dedup: an executable target without a declared product, so it
        // is built (implicit product) but is not one of the fleet's executables.
        .executableTarget(name: "bench-dedup", dependencies: ["DedupWorker", "WorkerKit", "AMQP", "AlertCore", "YAMLConfig"], path: "Sources/BenchDedup", swiftSettings: settings),
        // Benchmark only: the broker's ceiling with the gateway's persistence and confirm mode.
        // Benchmark only: who is on call, and routing with it (bench/oncall).
        .executableTarget(name: "bench-oncall", dependencies: ["AlertCore", "OnCall", "TimeKit", "YAMLConfig"], path: "Sources/BenchOnCall", swiftSettings: settings),
        .executableTarget(name: "bench-publisher", dependencies: ["AMQP", "AlertCore", "WorkerKit"], path: "Sources/BenchPublisher", swiftSettings: settings),
        // Benchmark only: timer lateness and memory of klaxon-escalator with 10,000 open incidents
        // (bench/escalator; runs the release klaxon-escalator as a child process).
        .executableTarget(name: "bench-escalator", dependencies: ["AMQP", "AlertCore", "Escalation", "EscalatorStore", "Redis", "WorkerKit", "YAMLConfig"],
                          path: "Sources/BenchEscalator", swiftSettings: settings),

        // Test only (no product, and not named klaxon-*, so the Dockerfile never ships it): seeds an incident into Redis and prints its signed
        // link, and takes the commands off the escalation queue, for the scripted tests that drive
        // a built gateway from outside (scripts/schemathesis.sh, Tests/browser).
        .executableTarget(name: "incident-testkit", dependencies: ["AlertCore", "AMQP", "Escalation", "EscalatorStore", "IncidentLinks", "OnCall", "WorkerKit", "YAMLConfig"],
                          path: "Tests/Support/TestKit", swiftSettings: settings),
        // Fixtures and harnesses shared by the test targets (never linked by an executable).
        .target(name: "TestSupport", dependencies: ["TimeKit", "AlertCore", "AMQP", "Redis", "WorkerKit", "YAMLConfig", "Gateway", "HTTPServer", "Signing"], path: "Tests/Support/TestSupport", swiftSettings: settings),
        // In-memory and outage fakes of the broker, Redis and chat robots (`InMemoryBroker`,
        // `BrokerOutage`, `InMemoryRedis` running Klaxon's own scripts, `RedisOutage`,
        // `RecordingChatSender`), so the runtime's logic is tested without servers.
        .target(name: "TestFakes", dependencies: ["AMQP", "Redis", "AlertCore", "Notify", "WorkerKit", "YAMLConfig", "DedupWorker", "ChannelWorkers"],
                path: "Tests/Support/TestFakes", swiftSettings: settings),

        .testTarget(name: "AlertCoreTests", dependencies: ["AlertCore", "YAMLConfig", "OnCall", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "EscalationTests", dependencies: ["Escalation", "AlertCore", "OnCall", "TimeKit", "YAMLConfig"], swiftSettings: settings),
        .testTarget(name: "EscalatorStoreTests", dependencies: ["EscalatorStore", "Escalation", "AlertCore", "Redis", "WorkerKit", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "WorkerKitTests", dependencies: ["WorkerKit", "AlertCore", "AMQP", "Blocking", "TestFakes", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "NormalizeTests", dependencies: ["AlertCore", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "TemplatesTests", dependencies: ["Templates", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "TimeKitTests", dependencies: ["TimeKit", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "OnCallTests", dependencies: ["OnCall", "TimeKit", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "ICalTests", dependencies: ["ICal", "OnCall", "TimeKit"], swiftSettings: settings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"], swiftSettings: settings),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "AlertCore", "AMQP", "WorkerKit", "HTTPServer", "Signing", "YAMLConfig", "OnCall", "OnCallRuntime", "ICal", "Redis",
                                                     "Escalation", "EscalatorStore", "IncidentLinks", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "DedupWorkerTests", dependencies: ["DedupWorker", "AlertCore", "AMQP", "Redis", "WorkerKit", "YAMLConfig", "TestSupport", "TestFakes"],
                    swiftSettings: settings),
        .testTarget(name: "RouterWorkerTests", dependencies: ["RouterWorker", "ICal", "OnCall", "TimeKit", "AlertCore", "AMQP", "Redis", "WorkerKit", "YAMLConfig", "OnCallRuntime", "CalendarSync",
                                                             "ChannelWorkers", "Notify", "TestSupport", "TestFakes"], swiftSettings: settings),
        .testTarget(name: "ChannelWorkersTests", dependencies: ["ChannelWorkers", "AlertCore", "AMQP", "Redis", "WorkerKit", "YAMLConfig", "Notify", "TestSupport", "TestFakes"],
                    swiftSettings: settings),
        // The real executables end to end, and what crosses processes (broker crash, returns).
        .testTarget(name: "FleetTests", dependencies: ["Gateway", "RouterWorker", "AlertCore", "AMQP", "WorkerKit", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "ShiftPlanTests", dependencies: ["ShiftPlan", "AlertCore", "Escalation", "OnCall", "TimeKit", "YAMLConfig"], swiftSettings: settings),
        // klaxon-shift, the real binary, against the real broker and Redis.
        .testTarget(name: "ShiftWorkerTests", dependencies: ["AlertCore", "AMQP", "Redis", "WorkerKit", "YAMLConfig", "TimeKit", "Escalation", "EscalatorStore", "OnCall", "ShiftPlan", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "SigningTests", dependencies: ["Signing", "IncidentLinks"], swiftSettings: settings),
        .testTarget(name: "EscalatorWorkerTests", dependencies: ["EscalatorWorker", "Escalation", "EscalatorStore", "AlertCore", "AMQP", "Redis", "WorkerKit", "YAMLConfig", "OnCallRuntime",
                                                                "IncidentLinks", "Signing", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "AlertCore", "CurlClient", "Signing", "Templates", "YAMLConfig", "HTTPServer", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "CtlTests", dependencies: ["Ctl", "AlertCore", "AMQP", "WorkerKit", "ChannelWorkers", "YAMLConfig", "Redis", "OnCall", "OnCallRuntime", "Signing", "HTTPServer", "Escalation", "EscalatorStore", "TestSupport"],
                    swiftSettings: settings),
    ]
)
