// incident-testkit: test only, never shipped (no product). What the scripted tests that drive a
// built gateway from outside need and no shipped verb offers:
//
//   incident-testkit seed-incident --config F --title T [--paged alice,bob] [--person alice]
//       Stores a fresh open incident (as the escalator would: step 0 fired, the people paged)
//       in the config's Redis, and prints one JSON line: {"incident", "link", "teamLink",
//       "title"}, the links as paths with their signed query (incidents.link_secret_env).
//   incident-testkit take-commands --config F [--count N] [--wait SECONDS]
//       Takes (basic.get + ack) the messages on the config's command queue until N arrived
//       or the wait passed, and prints each body as one JSON line.
//
// Exit 0 on success, 1 with a message on stderr otherwise.
import AMQP
import AlertCore
import Escalation
import EscalatorStore
import Foundation
import IncidentLinks
import OnCall
import WorkerKit
import YAMLConfig

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("incident-testkit: \(message)\n".utf8))
    exit(1)
}

var args = Array(CommandLine.arguments.dropFirst())
guard let verb = args.first else { fail("usage: incident-testkit seed-incident|take-commands --config FILE [options]") }
args.removeFirst()
var options: [String: String] = [:]
while let name = args.first, name.hasPrefix("--"), args.count >= 2 {
    options[String(name.dropFirst(2))] = args[1]
    args.removeFirst(2)
}
if !args.isEmpty { fail("unexpected arguments \(args)") }
guard let path = options["config"] else { fail("--config FILE is required") }
let config: KlaxonConfig
do { config = try ConfigLoader.load(path: path) } catch { fail("config: \(error)") }

switch verb {
case "seed-incident":
    guard let secret = config.incidents.linkSecret else { fail("the config has no incidents.link_secret_env") }
    let title = options["title"] ?? "Disk almost full on db-1"
    let paged = (options["paged"] ?? "alice").split(separator: ",").map { PersonID(String($0)) }
    let policy = EscalationPolicy(
        name: "testkit", steps: [.init(targets: EscalationTargets(people: paged), waitMillis: 600_000)],
        exhausted: EscalationTargets(people: paged))
    let now = Date()
    let fingerprint = "testkit-" + AlertID.make()
    var (incident, _) = Incident.open(policy: policy, fingerprint: fingerprint, now: now)
    incident.paged = EscalationTargets(people: paged)
    incident.timeline.append(
        TimelineEntry(at: now, .paged(step: 0, loop: 0, recipients: paged.map { "email:\($0.rawValue)@example.com" }, gaps: [])))
    let alert = Alert(
        id: AlertID.make(), source: "alertmanager", integration: "testkit", status: .firing, fingerprint: fingerprint, title: title,
        message: "Seeded by incident-testkit", severity: "critical", labels: ["team": "db"], annotations: [:],
        startsAt: Timestamps.format(now), endsAt: nil, receivedAt: Timestamps.format(now), links: [])
    let redis = SharedRedis(config.redis)
    defer { redis.close() }
    do {
        guard
            try await IncidentStore(redis: redis, namespace: config.broker.namespace).save(
                IncidentRecord(incident: incident, alert: alert), expected: 0) != nil
        else { fail("incident \(incident.id) exists already") }
    } catch { fail("Redis: \(error)") }
    let expires = Int64(now.timeIntervalSince1970) + config.incidents.linkTTLMillis / 1000
    let person = IncidentLink(incidentID: incident.id, person: options["person"] ?? paged.first?.rawValue ?? "", expires: expires)
    let team = IncidentLink(incidentID: incident.id, person: "", expires: expires)
    let out: [String: String] = [
        "incident": incident.id, "title": title,
        "link": "/incidents/\(incident.id)?\(person.query(secret: secret))",
        "teamLink": "/incidents/\(incident.id)?\(team.query(secret: secret))",
    ]
    print(String(decoding: Codec.encode(out), as: UTF8.self))
case "take-commands":
    let want = Int(options["count"] ?? "1") ?? 1
    let deadline = Date().addingTimeInterval(Double(options["wait"] ?? "10") ?? 10)
    guard let url = AMQPURL(config.broker.url) else { fail("broker.url is not an amqp:// URL") }
    let queue = Topology(namespace: config.broker.namespace).commandQueue
    do {
        let conn = try AMQPConnection(url: url, heartbeatSeconds: 0)
        defer { conn.close() }
        var got = 0
        while got < want && Date() < deadline {
            if let d = try conn.get(queue: queue) {
                try conn.ack(d.deliveryTag)
                print(String(decoding: d.body, as: UTF8.self))
                got += 1
            } else {
                usleep(50_000)
            }
        }
    } catch { fail("broker: \(error)") }
default:
    fail("unknown verb \(verb); use seed-incident or take-commands")
}
