import Foundation
import Synchronization

/// Prometheus metrics: counters, gauges and histograms with bounded label sets, registered at
/// start-up and rendered in the text exposition format at `/metrics`.
public final class Metrics: Sendable {
    private struct Family {
        let name: String
        let help: String
        let type: String
        let buckets: [Double]
        var series: [String: Series] = [:]  // key: rendered label set
        var order: [String] = []
    }
    fileprivate struct Series {
        var value: Double = 0
        var counts: [UInt64] = []
        var sum: Double = 0
        var count: UInt64 = 0
    }
    private let families = Mutex<[String: Family]>([:])
    private let order = Mutex<[String]>([])

    public init() {}

    /// Default latency buckets in seconds: 1 ms to 60 s.
    public static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    private func register(_ name: String, _ help: String, _ type: String, _ buckets: [Double] = []) {
        let isNew = families.withLock { f -> Bool in
            if f[name] != nil { return false }
            f[name] = Family(name: name, help: help, type: type, buckets: buckets)
            return true
        }
        if isNew { order.withLock { $0.append(name) } }
    }

    public func counter(_ name: String, _ help: String) -> Counter {
        register(name, help, "counter")
        return Counter(metrics: self, name: name)
    }

    public func gauge(_ name: String, _ help: String) -> Gauge {
        register(name, help, "gauge")
        return Gauge(metrics: self, name: name)
    }

    /// `series`: the label sets rendered from the start, at zero, so dashboards and
    /// `histogram_quantile` see the histogram before its first observation (by default the one
    /// series without labels).
    public func histogram(
        _ name: String, _ help: String, buckets: [Double] = Metrics.latencyBuckets,
        series: [[String: String]] = [[:]]
    ) -> Histogram {
        register(name, help, "histogram", buckets)
        for labels in series { update(name, labels) { _, _ in } }
        return Histogram(metrics: self, name: name)
    }

    /// The rendered label set, `k1="v1",k2="v2"` with keys sorted: the series' identity.
    /// Values are escaped only when they need it (this runs on every increment).
    static func labelKey(_ labels: [String: String]) -> String {
        if labels.isEmpty { return "" }
        var out = ""
        for k in labels.count == 1 ? Array(labels.keys) : labels.keys.sorted() {
            if !out.isEmpty { out += "," }
            out += k
            out += "=\""
            let v = labels[k]!
            if v.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 0x0A }) {
                for c in v.unicodeScalars {
                    switch c {
                    case "\\": out += "\\\\"
                    case "\"": out += "\\\""
                    case "\n": out += "\\n"
                    default: out.unicodeScalars.append(c)
                    }
                }
            } else {
                out += v
            }
            out += "\""
        }
        return out
    }

    fileprivate func update(_ name: String, _ labels: [String: String], _ body: (inout Series, [Double]) -> Void) {
        let key = Metrics.labelKey(labels)
        families.withLock { f in
            // Mutated in place through the subscript: copying the family out and back would
            // copy its whole series dictionary on every increment (copy-on-write).
            guard f[name] != nil else { return }
            if f[name]!.series[key] == nil {
                f[name]!.series[key] = Series(counts: Array(repeating: 0, count: f[name]!.buckets.count))
                f[name]!.order.append(key)
            }
            let buckets = f[name]!.buckets
            body(&f[name]!.series[key]!, buckets)
        }
    }

    /// Current value of a counter or gauge series (tests).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        families.withLock { $0[name]?.series[Metrics.labelKey(labels)]?.value ?? 0 }
    }

    /// The text exposition format (version 0.0.4).
    public func render() -> String {
        let names = order.withLock { $0 }
        return families.withLock { f in
            var out = ""
            for name in names {
                guard let fam = f[name] else { continue }
                out += "# HELP \(name) \(fam.help)\n# TYPE \(name) \(fam.type)\n"
                for key in fam.order {
                    let s = fam.series[key]!
                    let braces = key.isEmpty ? "" : "{\(key)}"
                    if fam.type == "histogram" {
                        var cumulative: UInt64 = 0
                        for (i, b) in fam.buckets.enumerated() {
                            cumulative += s.counts[i]
                            let le = "le=\"\(format(b))\""
                            out += "\(name)_bucket{\(key.isEmpty ? le : key + "," + le)} \(cumulative)\n"
                        }
                        let inf = "le=\"+Inf\""
                        out += "\(name)_bucket{\(key.isEmpty ? inf : key + "," + inf)} \(s.count)\n"
                        out += "\(name)_sum\(braces) \(format(s.sum))\n\(name)_count\(braces) \(s.count)\n"
                    } else {
                        out += "\(name)\(braces) \(format(s.value))\n"
                    }
                }
            }
            return out
        }
    }

    private func format(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

public struct Counter: Sendable {
    let metrics: Metrics
    let name: String
    public func inc(_ labels: [String: String] = [:], by n: Double = 1) {
        metrics.update(name, labels) { s, _ in s.value += n }
    }
}

public struct Gauge: Sendable {
    let metrics: Metrics
    let name: String
    public func set(_ v: Double, _ labels: [String: String] = [:]) { metrics.update(name, labels) { s, _ in s.value = v } }
    public func add(_ v: Double, _ labels: [String: String] = [:]) { metrics.update(name, labels) { s, _ in s.value += v } }
}

public struct Histogram: Sendable {
    let metrics: Metrics
    let name: String
    public func observe(_ v: Double, _ labels: [String: String] = [:]) {
        metrics.update(name, labels) { s, buckets in
            if let i = buckets.firstIndex(where: { v <= $0 }) { s.counts[i] += 1 }
            s.sum += v
            s.count += 1
        }
    }
}
