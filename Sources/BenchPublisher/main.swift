// bench-publisher: the broker's ceiling for the gateway benchmark. Publishes normalized-alert
// sized messages through the project's own Publisher, with the gateway's settings (persistent,
// publisher confirms batched up to broker.confirm_window, same queue type and topology), keeping
// `--outstanding` publishes in flight, and prints one JSON line with the confirmed rate.
//
//   bench-publisher --config PATH [--count 100000] [--outstanding 512] [--namespace NS]
//   bench-publisher --config PATH --notify email [--count N]  # N distinct notifications to notify.email
//   bench-publisher --config PATH --depth QUEUE[,QUEUE…]      # {"QUEUE": {"ready": n, "consumers": n}, …}
//   bench-publisher --config PATH --delete-namespace NS     # removes a namespace's queues
//
// `--notify` and `--depth` serve bench/slow-smtp: fill a channel's queue (ids `<namespace>-<i>`,
// one recipient) and read its ready count with a passive declare, without a management plugin.
import AMQP
import AlertCore
import Foundation
import Synchronization
import WorkerKit
import YAMLConfig

let args = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
guard let path = option("--config") else {
    FileHandle.standardError.write(Data("usage: bench-publisher --config PATH [--count N] [--outstanding N] [--namespace NS]\n".utf8))
    exit(2)
}
let count = Int(option("--count") ?? "100000")!
let outstanding = Int(option("--outstanding") ?? "512")!
var config: KlaxonConfig
do { config = try ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment) } catch {
    FileHandle.standardError.write(Data("bench-publisher: \(error)\n".utf8))
    exit(1)
}
if let ns = option("--namespace") { config.broker.namespace = ns }
if let ns = option("--delete-namespace") {
    config.broker.namespace = ns
    do {
        let conn = try AMQPConnection(url: AMQPURL(config.broker.url)!, heartbeatSeconds: 0)
        try BrokerTopology(config: config).delete(on: conn)
        conn.close()
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("bench-publisher: cannot delete namespace \(ns): \(error)\n".utf8))
        exit(1)
    }
}
let topology = Topology(namespace: config.broker.namespace)
if let queues = option("--depth") {
    do {
        let conn = try AMQPConnection(url: AMQPURL(config.broker.url)!, heartbeatSeconds: 0)
        let fields = try queues.split(separator: ",").map { q in
            let (ready, consumers) = try conn.inspectQueue(String(q))
            return #""\#(q)":{"ready":\#(ready),"consumers":\#(consumers)}"#
        }
        conn.close()
        print("{" + fields.joined(separator: ",") + "}")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("bench-publisher: cannot inspect \(queues): \(error)\n".utf8))
        exit(1)
    }
}
let brokerTopology = BrokerTopology(config: config)
let publisher = Publisher(
    .init(
        url: AMQPURL(config.broker.url)!, window: config.broker.confirmWindow, heartbeatSeconds: 0,
        confirmTimeoutMillis: config.gateway.publishTimeoutMillis,
        onConnect: { try brokerTopology.declare(on: $0) }))

// A message like the gateway's: one normalized Alertmanager alert, encoded the same way.
let alert = try! Normalizer.normalize(
    JSONParsing.parse(
        Array(
            #"{"version":"4","status":"firing","receiver":"bench","groupKey":"{}:{alertname=\"Bench\"}","alerts":[{"status":"firing","labels":{"alertname":"Bench","instance":"host-1:9100","job":"node","severity":"critical"},"annotations":{"summary":"bench alert"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus/graph","fingerprint":"0123456789abcdef"}]}"#
                .utf8)),
    kind: .alertmanager, context: NormalizeContext(integration: "bench", makeID: AlertID.make))[0]
let body = Codec.encode(alert)
let notifyChannel = option("--notify").map { name -> Channel in
    guard let c = Channel(rawValue: name) else {
        FileHandle.standardError.write(Data("bench-publisher: --notify expects a channel (email, dingtalk, …), got \(name)\n".utf8))
        exit(2)
    }
    return c
}
/// Message `i`: the alert for the ingest queue, or with `--notify` a notification of its own id.
@MainActor func message(_ i: Int) -> OutboundMessage {
    guard let channel = notifyChannel else {
        return OutboundMessage(exchange: topology.exchange, routingKey: topology.ingestQueue, body: body, messageID: alert.id)
    }
    let id = "\(config.broker.namespace)-\(i)"
    let n = AlertNotification(id: id, channel: channel.rawValue, recipients: ["oncall@example.com"], route: "bench", alert: alert)
    return OutboundMessage(exchange: topology.exchange, routingKey: topology.notifyQueue(channel), body: Codec.encode(n), messageID: id)
}

while !publisher.isConnected { usleep(10_000) }
let slots = DispatchSemaphore(value: outstanding)
let done = DispatchSemaphore(value: 0)
let confirmed = Atomic<Int>(0)
let failed = Atomic<Int>(0)
let start = DispatchTime.now().uptimeNanoseconds
for i in 0..<count {
    slots.wait()
    publisher.enqueue(message(i)) { r in
        if case .failure = r { failed.add(1, ordering: .relaxed) }
        if confirmed.add(1, ordering: .relaxed).newValue == count { done.signal() }
        slots.signal()
    }
}
done.wait()
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
print(
    #"{"messages":\#(count),"failed":\#(failed.load(ordering: .relaxed)),"seconds":\#(String(format: "%.3f", seconds)),"rate":\#(Int(Double(count) / seconds)),"outstanding":\#(outstanding),"window":\#(config.broker.confirmWindow),"queue_type":"\#(config.broker.queueType.rawValue)","body_bytes":\#(message(0).body.count)}"#
)
await publisher.shutdown()
exit(0)
