// bench-dedup: helpers for bench/dedup/run.py (not shipped in the image).
//   bench-dedup fill   --config PATH --count N --keys K   pre-fill the ingest queue
//   bench-dedup relay  --config PATH --count N            bare consume-and-republish ceiling
//   bench-dedup script                                     print the firing Lua script
//   bench-dedup clean  --config PATH                       delete the namespace's topology
import AMQP
import AlertCore
import Foundation
import Synchronization
import WorkerKit
import DedupWorker
import YAMLConfig

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bench-dedup: \(message)\n".utf8))
    exit(2)
}

let args = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count else { return nil }
    return args[i + 1]
}
func loadConfig() -> KlaxonConfig {
    guard let path = option("config") else { fail("--config PATH is required") }
    do { return try ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment) } catch { fail("\(error)") }
}
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

switch args.first {
case "script":
    print(DedupScripts.firing)

case "clean":
    let config = loadConfig()
    guard let url = AMQPURL(config.broker.url) else { fail("bad broker url") }
    let conn = try AMQPConnection(url: url, heartbeatSeconds: 0)
    try BrokerTopology(config: config).delete(on: conn)
    conn.close()

case "fill":
    // Alerts as the gateway writes them (about 600 bytes of JSON), key i % K.
    let config = loadConfig()
    let count = Int(option("count") ?? "100000")!, keys = Int(option("keys") ?? "1000")!
    let publisher = try WorkerHost.makePublisher(config: config, metrics: Metrics())
    let t = Topology(namespace: config.broker.namespace)
    let run = UUID().uuidString.prefix(8)
    let started = now()
    let chunk = 2000
    for start in stride(from: 0, to: count, by: chunk) {
        let messages = (start..<min(start + chunk, count)).map { i in
            let a = Alert(
                id: UUID().uuidString, source: "alertmanager", integration: "bench", status: .firing,
                fingerprint: "bench-\(run)-\(i % keys)", title: "HighLatency on checkout-\(i % keys)",
                message: "p99 latency above 2s for 5m on checkout-\(i % keys)", severity: "critical",
                labels: ["alertname": "HighLatency", "service": "checkout-\(i % keys)", "namespace": "shop", "severity": "critical"],
                annotations: ["summary": "p99 latency above 2s", "runbook_url": "https://runbooks.example.com/latency"],
                startsAt: "2026-01-01T00:00:00+08:00", endsAt: nil, receivedAt: "2026-01-01T00:00:01+08:00",
                links: [AlertLink(title: "Source", url: "https://prometheus.example.com/graph")])
            return OutboundMessage(exchange: t.exchange, routingKey: t.ingestQueue, body: Codec.encode(a), messageID: a.id)
        }
        try await publisher.publish(messages)
    }
    let s = now() - started
    print(String(format: "fill: %d alerts over %d keys in %.2f s (%.0f/s)", count, keys, s, Double(count) / s))
    await publisher.shutdown()

case "relay":
    // The ceiling: what dedup does minus Redis and JSON. Same queues, prefetch, confirm
    // window, batch size and batches in flight as klaxon-dedup; every message republished.
    let config = loadConfig()
    await relay(config: config, count: Int(option("count") ?? "100000")!)

default:
    fail("usage: bench-dedup fill|relay|script|clean --config PATH [--count N] [--keys K]")
}

func relay(config: KlaxonConfig, count: Int) async {
    guard let url = AMQPURL(config.broker.url) else { fail("bad broker url") }
    let t = Topology(namespace: config.broker.namespace)
    let publisher = try! WorkerHost.makePublisher(config: config, metrics: Metrics())
    let consumer = Consumer(.init(url: url, queue: t.ingestQueue, prefetch: config.broker.prefetch, heartbeatSeconds: 0))
    let done = Progress()
    await withTaskGroup(of: Void.self) { group in
        var running = 0
        while let batch = await consumer.nextBatch(max: DedupWorker.batchSize) {
            done.state.withLock { if $0.first == 0 { $0.first = now() } }
            if running >= DedupWorker.concurrency {
                await group.next()
                running -= 1
            }
            group.addTask {
                let out = batch.map { OutboundMessage(exchange: t.exchange, routingKey: t.routeQueue, body: $0.body, messageID: $0.messageID) }
                do { try await publisher.publish(out) } catch { fail("publish: \(error)") }
                for d in batch { consumer.ack(d) }
                let finished = done.state.withLock { s -> Bool in
                    s.n += batch.count
                    s.last = now()
                    return s.n >= count
                }
                if finished { consumer.stop(drainMillis: 5000) }
            }
            running += 1
        }
        await group.waitForAll()
    }
    let s = done.state.withLock { $0 }
    print(String(format: "relay: %d messages in %.2f s: %.0f msg/s", s.n, s.last - s.first, Double(s.n) / (s.last - s.first)))
    await publisher.shutdown()

}

final class Progress: Sendable {
    let state = Mutex((n: 0, first: 0.0, last: 0.0))
}
