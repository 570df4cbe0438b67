// bench-escalator: timer lateness and memory of klaxon-escalator with many open incidents
// (bench/escalator/run.sh; not shipped in the image).
//   bench-escalator [--incidents 10000] [--wait 30] [--rate 1000] [--hold 60] [--watch 60]
//                   [--escalator PATH] [--out DIR] [--broker-pid PID]
// (--watch: incidents.watch_interval in seconds; --broker-pid: RabbitMQ's, to report its CPU too)
//
// On a fresh namespace whose policy `bench` pages a@example.com, waits `--wait` seconds, then
// pages b@example.com (and waits 1 h), it starts the real klaxon-escalator (a child process),
// publishes `--incidents` distinct firing alerts for the policy at `--rate` per second (with
// publisher confirms), and waits until every incident's step 1 fired (or wait + 120 s), then
// keeps them open `--hold` seconds more (their watches come back once a minute). The
// lateness of a step is the instant it fired (its `.stepFired` timeline entry) minus its due
// instant (`openedAt` + wait), read from the stored incidents. The escalator's RSS, private
// memory and CPU time are sampled from /proc every second, and `notify.email` is purged as it
// goes. Prints the results and a `bench: RESULT {json}` line; writes result.json and
// samples.csv to `--out` (default var/bench-escalator). Deletes its queues and Redis keys.
import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import Redis
import Synchronization
import WorkerKit
import YAMLConfig

#if canImport(Glibc)
    import Glibc
#endif

/// Set once there is something to clean up (the namespace, the escalator).
nonisolated(unsafe) var cleanUpHook: (() -> Void)?

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-escalator: \(message)\n".utf8))
    cleanUpHook?()
    exit(2)
}

func say(_ message: String) {
    FileHandle.standardOutput.write(Data("bench: \(message)\n".utf8))
}

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count else { return nil }
    return args[i + 1]
}
func number(_ name: String, _ fallback: Double) -> Double {
    guard let text = option(name) else { return fallback }
    guard let n = Double(text.hasSuffix("s") ? String(text.dropLast()) : text), n > 0 else {
        fail("--\(name): expected a positive number, got \(text)")
    }
    return n
}
func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

let incidents = Int(number("incidents", 10_000))
let wait = Int(number("wait", 30))
let hold = option("hold") == "0" ? 0 : Int(number("hold", 60))
let watchSeconds = Int(number("watch", 60))
let rate = number("rate", 1000)
guard wait <= 600 else { fail("--wait: at most 600 (seconds): the progress count tells fired step-1 timers (1 h) from pending ones") }
let selfDir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
let escalatorPath = option("escalator") ?? selfDir.appendingPathComponent("klaxon-escalator").path
let outDir = URL(fileURLWithPath: option("out") ?? "var/bench-escalator")
let env = ProcessInfo.processInfo.environment
let amqpPort = env["KLAXON_AMQP_PORT"] ?? "5672"
let redisPort = env["KLAXON_REDIS_PORT"] ?? "6379"
let brokerPID = option("broker-pid").flatMap { pid_t($0) }
let namespace = "bench-esc-\(getpid())"
let policy = "bench"

// MARK: - Config

let yaml = """
    broker:
      url: amqp://guest:guest@127.0.0.1:\(amqpPort)/
      namespace: \(namespace)
    redis:
      port: \(redisPort)
    escalation_policies:
      - name: \(policy)
        steps:
          - {notify: {email: [a@example.com]}, wait: \(wait)s}
          - {notify: {email: [b@example.com]}, wait: 1h}
        exhausted: {email: [team@example.com]}
    incidents:
      watch_interval: \(watchSeconds)s
    """
try? FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
let configPath = outDir.appendingPathComponent("klaxon.yaml").path
let config: KlaxonConfig
do {
    config = try ConfigLoader.parse(yaml, environment: [:])
    try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
} catch { fail("config: \(error)") }
let topology = Topology(namespace: namespace)
let brokerTopology = BrokerTopology(config: config)
let timersKey = RedisKeys.escalationTimers(namespace)

func brokerConnection() -> AMQPConnection {
    do { return try AMQPConnection(url: AMQPURL(config.broker.url)!, heartbeatSeconds: 0) } catch { fail("broker: \(error)") }
}
func redisClient() -> RedisClient {
    RedisClient(.init(host: config.redis.host, port: config.redis.port, timeoutMillis: 10_000))
}

// MARK: - The escalator process

let healthPort = freePort()
let escalator = Process()
nonisolated(unsafe) var cleaned = false

/// Stops the escalator (SIGTERM, then SIGKILL after 30 s) and deletes the namespace's queues
/// and Redis keys. Runs once.
func cleanUp() {
    guard !cleaned else { return }
    cleaned = true
    if escalator.isRunning {
        kill(escalator.processIdentifier, SIGTERM)
        let deadline = monotonic() + 30
        while escalator.isRunning && monotonic() < deadline { usleep(50_000) }
        if escalator.isRunning {
            say("escalator did not stop within 30 s of SIGTERM: killing it")
            kill(escalator.processIdentifier, SIGKILL)
        }
    }
    if let conn = try? AMQPConnection(url: AMQPURL(config.broker.url)!, heartbeatSeconds: 0) {
        do { try brokerTopology.delete(on: conn) } catch { say("deleting queues: \(error)") }
        conn.close()
    }
    let redis = redisClient()
    var cursor = "0"
    var deleted = 0
    repeat {
        guard case .array(let reply)? = try? redis.command(["SCAN", cursor, "MATCH", "\(namespace):*", "COUNT", "1000"]), reply.count == 2,
            let next = reply[0].string, case .array(let keys) = reply[1]
        else { break }
        cursor = next
        let names = keys.compactMap(\.string)
        if !names.isEmpty, (try? redis.command(["DEL"] + names)) != nil { deleted += names.count }
    } while cursor != "0"
    redis.disconnect()
    say("cleaned up namespace \(namespace) (queues, \(deleted) Redis keys)")
}

cleanUpHook = cleanUp

// Ctrl-C or a kill of the bench: stop the escalator and clean up before leaving.
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let signalSources = [SIGINT, SIGTERM].map { sig in
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
    source.setEventHandler {
        say("interrupted")
        cleanUp()
        exit(130)
    }
    source.resume()
    return source
}

// The topology first (as any worker would), so the bench can watch the queue for the consumer.
let conn = brokerConnection()
do { try brokerTopology.declare(on: conn) } catch { fail("declaring the topology: \(error)") }

say("namespace \(namespace), \(incidents) incidents at \(Int(rate))/s, step 0 waits \(wait) s; escalator \(escalatorPath)")
let logPath = outDir.appendingPathComponent("escalator.log").path
_ = FileManager.default.createFile(atPath: logPath, contents: nil)
escalator.executableURL = URL(fileURLWithPath: escalatorPath)
escalator.arguments = ["--config", configPath, "--health-listen", "127.0.0.1:\(healthPort)"]
escalator.environment = env
escalator.standardOutput = FileHandle(forWritingAtPath: logPath)
escalator.standardError = FileHandle(forWritingAtPath: logPath)
do { try escalator.run() } catch { fail("starting \(escalatorPath): \(error)") }
let pid = escalator.processIdentifier

// Ready: consuming the escalation queue and answering /readyz.
let readyBy = monotonic() + 30
while true {
    guard escalator.isRunning else { fail("the escalator exited (\(escalator.terminationStatus)); see \(logPath)") }
    let consumers = (try? conn.inspectQueue(topology.escalationQueue).consumers) ?? 0
    if consumers > 0, httpGet(port: healthPort, "/readyz")?.hasPrefix("HTTP/1.1 200") == true { break }
    guard monotonic() < readyBy else { fail("the escalator was not ready within 30 s; see \(logPath)") }
    usleep(100_000)
}

// MARK: - Sampling (every second: /proc, and purging notify.email)

struct Sample {
    var t: Double
    var proc: ProcSample
    var purged: Int
}

final class Sampler: Sendable {
    let samples = Mutex<[Sample]>([])
    let running = Atomic<Bool>(true)
    let start = monotonic()

    func run(pid: pid_t) {
        let conn = brokerConnection()
        var purged = 0
        while running.load(ordering: .relaxed) {
            let t = monotonic() - start
            if let p = ProcSample(pid: pid) {
                purged += (try? conn.purgeQueue(topology.notifyQueue(.email))) ?? 0
                samples.withLock { $0.append(Sample(t: t, proc: p, purged: purged)) }
            }
            let next = start + (t + 1).rounded(.down)
            while running.load(ordering: .relaxed) && monotonic() < next { usleep(20_000) }
        }
        purged += (try? conn.purgeQueue(topology.notifyQueue(.email))) ?? 0
        samples.withLock { if !$0.isEmpty { $0[$0.count - 1].purged = purged } }
        conn.close()
    }

    var last: Sample? { samples.withLock { $0.last } }
}

let sampler = Sampler()
let samplerThread = Thread { sampler.run(pid: pid) }
samplerThread.start()
sleep(3)  // idle: started, connected, nothing to do yet
guard let idle = ProcSample(pid: pid) else { fail("the escalator exited; see \(logPath)") }
say(String(format: "escalator pid %d idle: RSS %.1f MiB, private %.1f MiB", pid, Double(idle.rssKiB) / 1024, Double(idle.privateKiB) / 1024))

// MARK: - Publishing

let publisher: Publisher
do { publisher = try WorkerHost.makePublisher(config: config, metrics: Metrics()) } catch { fail("publisher: \(error)") }
while !publisher.isConnected { usleep(10_000) }
let run = UUID().uuidString.prefix(8)
let fingerprints = (0..<incidents).map { "bench-\(run)-\($0)" }
let confirmed = Atomic<Int>(0)
let failed = Atomic<Int>(0)
let allConfirmed = DispatchSemaphore(value: 0)

func message(_ i: Int) -> OutboundMessage {
    let service = "checkout-\(i)"
    let alert = Alert(
        id: UUID().uuidString, source: "alertmanager", integration: "bench", status: .firing,
        fingerprint: fingerprints[i], title: "HighLatency on \(service)",
        message: "p99 latency above 2s for 5m on \(service)", severity: "critical",
        labels: ["alertname": "HighLatency", "service": service, "namespace": "shop", "severity": "critical"],
        annotations: ["summary": "p99 latency above 2s", "runbook_url": "https://runbooks.example.com/latency"],
        startsAt: "2026-01-01T00:00:00Z", endsAt: nil, receivedAt: "2026-01-01T00:00:01Z",
        links: [AlertLink(title: "Source", url: "https://prometheus.example.com/graph")])
    return OutboundMessage(.alert(alert, policy: policy), topology: topology)
}

/// CPU seconds of the escalator, Redis (`INFO cpu`) and RabbitMQ (with --broker-pid).
struct CPU {
    var escalator = 0.0
    var redis = 0.0
    var broker = 0.0

    static func now(_ redis: RedisClient) -> CPU {
        var c = CPU()
        c.escalator = ProcSample(pid: pid)?.cpuSeconds ?? 0
        if let info = try? redis.command(["INFO", "cpu"]).string {
            for line in info.split(whereSeparator: \.isNewline) where line.hasPrefix("used_cpu_user:") || line.hasPrefix("used_cpu_sys:") {
                c.redis += Double(line.split(separator: ":").last ?? "") ?? 0
            }
        }
        if let brokerPID { c.broker = ProcSample(pid: brokerPID)?.cpuSeconds ?? 0 }
        return c
    }

    static func - (a: CPU, b: CPU) -> CPU { CPU(escalator: a.escalator - b.escalator, redis: a.redis - b.redis, broker: a.broker - b.broker) }
}

let redis = redisClient()
let loadBefore = loadAverage()
let publishStart = monotonic()
let cpuBefore = CPU.now(redis)
var sent = 0
while sent < incidents {
    let due = min(incidents, Int((monotonic() - publishStart) * rate) + 1)
    while sent < due {
        publisher.enqueue(message(sent)) { r in
            if case .failure = r { failed.add(1, ordering: .relaxed) }
            if confirmed.add(1, ordering: .relaxed).newValue == incidents { allConfirmed.signal() }
        }
        sent += 1
    }
    usleep(1000)
}
allConfirmed.wait()
let publishSeconds = monotonic() - publishStart
await publisher.shutdown()
say(
    String(
        format: "published %d alerts in %.2f s (%.0f/s), %d failed", incidents, publishSeconds, Double(incidents) / publishSeconds,
        failed.load(ordering: .relaxed)))
guard failed.load(ordering: .relaxed) == 0 else { fail("some publishes failed") }

// MARK: - Waiting for the steps

@MainActor func integer(_ command: [String]) -> Int {
    do { return Int(try redis.command(command).integer ?? -1) } catch { fail("redis: \(error)") }
}
/// Incidents whose step 1 fired: their next timer is step 1's wait (1 h) away, beyond any
/// pending step-0 timer (≤ wait) or claimed one (its lease, 30 s).
@MainActor func step1Fired() -> Int {
    let threshold = Int64((Date().timeIntervalSince1970 + Double(wait) + 600) * 1000)
    return integer(["ZCOUNT", timersKey, "(\(threshold)", "+inf"])
}

var opened = 0
var openSeconds: Double?
var cpuOpened: CPU?
var fired = 0
let deadline = monotonic() + Double(wait) + 120
var lastReport = 0.0
while monotonic() < deadline {
    guard escalator.isRunning else { fail("the escalator exited (\(escalator.terminationStatus)); see \(logPath)") }
    if openSeconds == nil {
        opened = integer(["SCARD", RedisKeys.openIncidents(namespace)])
        if opened >= incidents {
            openSeconds = monotonic() - publishStart
            cpuOpened = CPU.now(redis)
        }
    }
    fired = step1Fired()
    if fired >= incidents { break }
    if monotonic() - lastReport >= 5 {
        lastReport = monotonic()
        let s = sampler.last
        say(
            String(
                format: "t=%3.0fs open %5d, step 1 fired %5d, RSS %.1f MiB, private %.1f MiB, CPU %.1f s", monotonic() - publishStart,
                opened, fired, Double(s?.proc.rssKiB ?? 0) / 1024, Double(s?.proc.privateKiB ?? 0) / 1024, s?.proc.cpuSeconds ?? 0))
    }
    usleep(200_000)
}
let doneAt = monotonic() - publishStart
let cpuFired = CPU.now(redis)
let metricsText = httpGet(port: healthPort, "/metrics") ?? ""  // as every step 1 fired
let loadAfter = loadAverage()
say(String(format: "step 1 fired for %d of %d incidents by t=%.1f s", fired, incidents, doneAt))
// Every step fired, nothing due for an hour: the incidents stay open, their watches circulate.
if hold > 0 { say("holding the \(incidents) incidents open for \(hold) s (each one's watch comes back every \(watchSeconds) s)") }
sleep(UInt32(max(hold, 3)))
let cpuHeld = CPU.now(redis) - cpuFired
let end = ProcSample(pid: pid) ?? ProcSample()  // the end sample
sampler.running.store(false, ordering: .relaxed)
while !samplerThread.isFinished { usleep(10_000) }
let samples = sampler.samples.withLock { $0 }
let deadLetters = (try? conn.inspectQueue(topology.deadLetterQueue(of: topology.escalationQueue)).messages) ?? -1
conn.close()

// MARK: - Lateness from the stored incidents

var lateness: [Double] = []
var dueAndLateness: [(due: Date, lateness: Double)] = []
var missing = 0
var watched = 0  // incidents whose watch came back at least once (it first comes back a minute after opening)
let watchInterval = Double(config.incidents.watchIntervalMillis) / 1000
var firstOpen = Date.distantFuture
var lastOpen = Date.distantPast
let decoder = JSONDecoder()
for chunk in stride(from: 0, to: incidents, by: 500) {
    let ids = fingerprints[chunk..<min(chunk + 500, incidents)].map { Incident.id(policy: policy, fingerprint: $0, generation: 0) }
    let replies: [RedisReply]
    do { replies = try redis.pipeline(ids.map { ["HGET", RedisKeys.incident(namespace, $0), "json"] }) } catch { fail("redis: \(error)") }
    for reply in replies {
        guard case .bulk(let bytes) = reply, let record = try? decoder.decode(IncidentRecord.self, from: Data(bytes)) else {
            missing += 1
            continue
        }
        let incident = record.incident
        if let w = record.lastWatchAt, w.timeIntervalSince(incident.openedAt) >= watchInterval / 2 { watched += 1 }
        firstOpen = min(firstOpen, incident.openedAt)
        lastOpen = max(lastOpen, incident.openedAt)
        let step1 = incident.timeline.first { if case .stepFired(step: 1, loop: 0) = $0.what { true } else { false } }
        guard let step1 else { continue }
        lateness.append(step1.at.timeIntervalSince(incident.openedAt) - Double(wait))
        dueAndLateness.append((incident.openedAt.addingTimeInterval(Double(wait)), lateness.last!))
    }
}
redis.disconnect()
lateness.sort()
@MainActor func percentile(_ p: Double) -> Double {
    guard !lateness.isEmpty else { return .nan }
    return lateness[min(lateness.count - 1, Int((p * Double(lateness.count)).rounded(.up)) - 1)]
}
let notifications = samples.last?.purged ?? 0

/// A series of the escalator's /metrics (as every step 1 fired), -1 when absent.
@MainActor func metric(_ series: String) -> Double {
    metricsText.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
}
/// The escalator's own count of timers that fired at most `le` seconds late.
@MainActor func histogram(_ le: String) -> Int { Int(metric("klaxon_escalator_timer_lateness_seconds_bucket{le=\"\(le)\"}")) }
/// Broker confirms of the escalator's publishes (pages, watches): count, mean, share within `le` seconds.
@MainActor func confirms(within le: String) -> Double {
    metric("klaxon_publish_confirm_seconds_bucket{le=\"\(le)\"}") / max(1, metric("klaxon_publish_confirm_seconds_count"))
}

// MARK: - Report

let peakRSS = samples.map(\.proc.rssKiB).max() ?? 0
let peakPrivate = samples.map(\.proc.privateKiB).max() ?? 0
/// JSON has no NaN: what could not be measured is -1.
let finite = { (x: Double) in x.isFinite ? x : -1 }
let mib = { (k: Int) in (Double(k) / 1024 * 10).rounded() / 10 }
let ms = { (s: Double) in finite((s * 10000).rounded() / 10) }
let cpu = cpuFired - cpuBefore  // from the first publish until every step 1 fired
let untilOpened = (cpuOpened ?? cpuFired) - cpuBefore
let r2 = { (x: Double) in finite((x * 100).rounded() / 100) }
var csv = "t_s,rss_kib,private_kib,cpu_s,notifications_purged\n"
for s in samples { csv += String(format: "%.1f,%d,%d,%.2f,%d\n", s.t, s.proc.rssKiB, s.proc.privateKiB, s.proc.cpuSeconds, s.purged) }
try? csv.write(to: outDir.appendingPathComponent("samples.csv"), atomically: true, encoding: .utf8)
// Each step 1: when it was due (seconds after the first incident opened) and how late it fired.
var lateCSV = "due_s,lateness_ms\n"
for (due, late) in dueAndLateness.sorted(by: { $0.due < $1.due }) {
    lateCSV += String(format: "%.3f,%.1f\n", due.timeIntervalSince(firstOpen) - Double(wait), late * 1000)
}
try? lateCSV.write(to: outDir.appendingPathComponent("lateness.csv"), atomically: true, encoding: .utf8)

say(
    "incidents: \(incidents), step 1 fired: \(lateness.count), records missing: \(missing), watches come back: \(watched), "
        + "dead letters: \(deadLetters), e-mails: \(notifications)")
say(
    String(
        format: "opened all in %.2f s from the first publish (first → last openedAt %.2f s; publishing took %.2f s)",
        openSeconds ?? .nan, lastOpen.timeIntervalSince(firstOpen), publishSeconds))
say(
    String(
        format: "step 1 lateness (fired − openedAt − %d s): p50 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms", wait, percentile(0.5) * 1000,
        percentile(0.99) * 1000, (lateness.last ?? .nan) * 1000, (lateness.first ?? .nan) * 1000))
say("escalator's histogram: \(histogram("0.1")) ≤ 100 ms, \(histogram("1")) ≤ 1 s, of \(histogram("+Inf")) timers")
let confirmCount = metric("klaxon_publish_confirm_seconds_count")
let confirmMean = metric("klaxon_publish_confirm_seconds_sum") / max(1, confirmCount)
say(
    String(
        format: "broker confirms of its publishes: %.0f, mean %.1f ms, %.1f %% within 100 ms, %.1f %% within 1 s", confirmCount, confirmMean * 1000,
        100 * confirms(within: "0.1"), 100 * confirms(within: "1")))
say(
    String(
        format: "RSS: idle %.1f MiB, peak %.1f MiB, end %.1f MiB; private: idle %.1f, peak %.1f, end %.1f MiB", mib(idle.rssKiB), mib(peakRSS),
        mib(end.rssKiB), mib(idle.privateKiB), mib(peakPrivate), mib(end.privateKiB)))
say(
    String(
        format: "escalator CPU: %.2f s from the first publish to the last step 1 (%.0f µs per incident: open, page, step 1, page); "
            + "%.2f s of it until all were open", cpu.escalator, cpu.escalator / Double(incidents) * 1e6, untilOpened.escalator))
say(
    String(format: "same window: Redis %.2f s, RabbitMQ ", cpu.redis) + (brokerPID == nil ? "?" : String(format: "%.2f", cpu.broker))
        + " s; load average \(loadBefore) before, \(loadAfter) after")

if hold > 0 {
    say(
        String(
            format: "holding %d open incidents for %d s: escalator CPU %.2f s (%.1f %% of a core), Redis %.2f s, RabbitMQ ", incidents, hold,
            cpuHeld.escalator, 100 * cpuHeld.escalator / Double(hold), cpuHeld.redis)
            + (brokerPID == nil ? "?" : String(format: "%.2f", cpuHeld.broker))
            + " s")
}

let result: [String: Any] = [
    "incidents": incidents, "wait_s": wait, "rate": rate, "step1_fired": lateness.count, "records_missing": missing, "watched": watched,
    "dead_letters": deadLetters,
    "notifications": notifications, "publish_s": r2(publishSeconds), "open_all_s": r2(openSeconds ?? -1),
    "lateness_ms": ["p50": ms(percentile(0.5)), "p99": ms(percentile(0.99)), "max": ms(lateness.last ?? .nan), "min": ms(lateness.first ?? .nan)],
    "escalator_histogram": ["le_0.1": histogram("0.1"), "le_1": histogram("1"), "count": histogram("+Inf")],
    "confirms": [
        "count": Int(confirmCount), "mean_ms": ms(confirmMean), "within_100ms_pct": r2(100 * confirms(within: "0.1")),
        "within_1s_pct": r2(100 * confirms(within: "1")),
    ],
    "rss_mib": ["idle": mib(idle.rssKiB), "peak": mib(peakRSS), "end": mib(end.rssKiB)],
    "private_mib": ["idle": mib(idle.privateKiB), "peak": mib(peakPrivate), "end": mib(end.privateKiB)],
    "cpu_s": [
        "escalator": r2(cpu.escalator), "escalator_until_all_open": r2(untilOpened.escalator), "redis": r2(cpu.redis),
        "rabbitmq": brokerPID == nil ? -1 : r2(cpu.broker),
    ],
    "hold": [
        "s": hold, "escalator_cpu_s": r2(cpuHeld.escalator), "redis_cpu_s": r2(cpuHeld.redis),
        "rabbitmq_cpu_s": brokerPID == nil ? -1 : r2(cpuHeld.broker),
    ],
    "load_average": ["before": loadBefore, "after": loadAfter], "open_per_s": finite((Double(incidents) / (openSeconds ?? .nan)).rounded()),
    "goal_p99_under_1s": lateness.count == incidents && percentile(0.99) < 1,
]
if let json = try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]) {
    try? json.write(to: outDir.appendingPathComponent("result.json"))
    say("RESULT " + String(decoding: json, as: UTF8.self))
}
cleanUp()
_ = signalSources
