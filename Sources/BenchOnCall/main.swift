// bench-oncall: the cost of "who is on call" and of routing with it (bench/oncall/README.md).
//   bench-oncall [--calls N] [--alerts N]
// 1. Schedule.onCall(at:) on a schedule of 5 layers and 2 years of overrides, at random instants.
// 2. The router's CPU per alert (decode the alert, AlertRouter.route, encode each notification),
//    for a route with two e-mail addresses and for one that resolves a schedule to its person on
//    call and its contact rule (same number of notifications), alternating, best of 5 rounds.
import AlertCore
import Foundation
import OnCall
import TimeKit
import YAMLConfig

func arg(_ name: String, _ fallback: Int) -> Int {
    let a = CommandLine.arguments
    guard let i = a.firstIndex(of: "--\(name)"), i + 1 < a.count, let n = Int(a[i + 1]) else { return fallback }
    return n
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let calls = arg("calls", 1_000_000)
let alertCount = arg("alerts", 100_000)
let zone = TimeZone(identifier: "Europe/Berlin")!
let people: [PersonID] = (0..<12).map { PersonID("p\($0)") }
let start = LocalDate(2026, 1, 5)
let t0 = ZoneClock(timeZone: zone).instant(of: start, at: LocalTime(9))

// Five layers: weekly primary, daily secondary, weekday nights, weekend days, fixed holiday shifts.
let holidays = (0..<40).map { i in FixedShift(people[i % 12], from: t0 + Double(i) * 18 * 86_400, to: t0 + Double(i) * 18 * 86_400 + 86_400) }
let layers: [Layer] = [
    .rotation(Rotation(people: Array(people[0..<4]), startDate: start, handoff: LocalTime(9), frequency: .weekly), name: "primary"),
    .rotation(Rotation(people: Array(people[4..<7]), startDate: start, handoff: LocalTime(10), frequency: .daily), name: "secondary"),
    .rotation(
        Rotation(
            people: Array(people[7..<9]), startDate: start, handoff: LocalTime(20), frequency: .daily,
            restriction: Restriction(days: Weekday.workdays, window: .init(from: LocalTime(20), to: LocalTime(8)))), name: "nights"),
    .rotation(
        Rotation(
            people: Array(people[9..<11]), startDate: start, handoff: LocalTime(9), frequency: .days(2),
            restriction: Restriction(days: Weekday.weekend)), name: "weekends"),
    .fixed(holidays, name: "holidays"),
]
// Two years of overrides: three a day (a swap, an extra, a night cover).
var overrides: [Override] = []
for d in 0..<730 {
    let day = t0 + Double(d) * 86_400
    overrides.append(.replace(id: "r\(d)", covering: people[d % 4], by: people[11], from: day + 3600, to: day + 5 * 3600))
    overrides.append(.add(id: "a\(d)", people[(d + 5) % 12], from: day + 8 * 3600, to: day + 9 * 3600))
    overrides.append(.replace(id: "n\(d)", covering: people[7 + d % 2], by: people[d % 12], from: day + 12 * 3600, to: day + 14 * 3600))
}
let schedule = Schedule(name: "bench", timeZone: zone, layers: layers, overrides: overrides)
var rng = SystemRandomNumberGenerator()
let instants = (0..<4096).map { _ in t0 + Double.random(in: 0..<(730 * 86_400), using: &rng) }
var onCallCount = 0
var best = Double.infinity
for _ in 0..<3 {
    let s = seconds {
        for i in 0..<calls { onCallCount &+= schedule.onCall(at: instants[i & 4095]).count }
    }
    best = min(best, s)
}
print(
    String(
        format: "onCall(at:): %.3f µs per call (best of 3 × %d calls; 5 layers, %d overrides; %.2f people on average)",
        best / Double(calls) * 1e6, calls, overrides.count, Double(onCallCount) / Double(3 * calls)))

// Routing: direct addresses vs. a schedule resolved to its person on call.
let yaml = """
    people:
    \((0..<12).map { "  - {id: p\($0), name: P\($0), email: p\($0)@example.com, contact_rules: {default: [email]}}" }.joined(separator: "\n"))
    schedules:
      - name: bench
        time_zone: Europe/Berlin
        layers:
          - rotation: {people: [p0, p1, p2, p3], start: 2026-01-05, handoff: "09:00", every: 1w}
    router:
      routes:
        - name: direct
          match: [{label: kind, equals: direct}]
          notify: {email: [oncall@example.com]}
        - name: scheduled
          match: [{label: kind, equals: scheduled}]
          notify: {schedules: [bench]}
          fallback: {email: [fallback@example.com]}
    """
let config = try ConfigLoader.parse(yaml, environment: [:])
let roster = Roster.build(people: config.people, schedules: config.schedules)
func alertBytes(_ kind: String, _ i: Int) -> [UInt8] {
    Codec.encode(
        Alert(
            id: "id-\(i)", source: "alertmanager", integration: "bench", status: .firing, fingerprint: "fp\(i)",
            title: "Disk almost full on db-\(i)", message: "95% used", severity: "critical",
            labels: ["kind": kind, "instance": "db-\(i):9100", "job": "node"], annotations: ["summary": "disk"],
            startsAt: "2026-11-01T10:00:00Z", endsAt: nil, receivedAt: "2026-11-01T10:00:01Z", links: []))
}
let direct = (0..<1024).map { alertBytes("direct", $0) }
let scheduled = (0..<1024).map { alertBytes("scheduled", $0) }
func routeAll(_ bodies: [[UInt8]]) -> Double {
    var bytes = 0
    let s = seconds {
        for i in 0..<alertCount {
            let a = try! Codec.decode(Alert.self, from: bodies[i & 1023])
            let r = AlertRouter.route(a, config: config.router, chat: config.chat, roster: roster, at: instants[i & 4095])
            for n in r.notifications { bytes &+= Codec.encode(n).count }
        }
    }
    precondition(bytes > 0)
    return s
}
var bestDirect = Double.infinity, bestScheduled = Double.infinity
for _ in 0..<5 {
    bestDirect = min(bestDirect, routeAll(direct))
    bestScheduled = min(bestScheduled, routeAll(scheduled))
}
print(
    String(
        format: "routing, direct address:     %.2f µs per alert (%.0f alerts/s)", bestDirect / Double(alertCount) * 1e6,
        Double(alertCount) / bestDirect))
print(
    String(
        format: "routing, schedule resolved:  %.2f µs per alert (%.0f alerts/s), %.1f %% of direct's throughput",
        bestScheduled / Double(alertCount) * 1e6, Double(alertCount) / bestScheduled, bestDirect / bestScheduled * 100))
