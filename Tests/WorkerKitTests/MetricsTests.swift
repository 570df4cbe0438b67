import Testing
import WorkerKit

/// The Prometheus text format (pure).
@Suite struct MetricsTests {
    @Test func seriesAreKeyedBySortedLabelsAndValuesEscaped() {
        let m = Metrics()
        let c = m.counter("klaxon_test_total", "A test counter.")
        c.inc(["b": "2", "a": "1"])
        c.inc(["a": "1", "b": "2"], by: 2)
        c.inc(["a": "quote\"back\\slash\nline"])
        let text = m.render()
        #expect(text.contains("# TYPE klaxon_test_total counter"))
        #expect(text.contains("klaxon_test_total{a=\"1\",b=\"2\"} 3"))
        #expect(text.contains(#"klaxon_test_total{a="quote\"back\\slash\nline"} 1"#))
        #expect(m.value("klaxon_test_total", ["b": "2", "a": "1"]) == 3)
    }

    @Test func histogramsAreRenderedBeforeTheirFirstObservation() {
        let m = Metrics()
        _ = m.histogram("klaxon_plain_seconds", "No labels.", buckets: [0.1])
        _ = m.histogram("klaxon_by_channel_seconds", "Labelled.", buckets: [0.1], series: [["channel": "email"]])
        let text = m.render()
        #expect(
            text.contains(
                "klaxon_plain_seconds_bucket{le=\"0.1\"} 0\nklaxon_plain_seconds_bucket{le=\"+Inf\"} 0\nklaxon_plain_seconds_sum 0\nklaxon_plain_seconds_count 0\n"
            ))
        #expect(text.contains("klaxon_by_channel_seconds_bucket{channel=\"email\",le=\"+Inf\"} 0\n"))
        #expect(text.contains("klaxon_by_channel_seconds_count{channel=\"email\"} 0\n"))
        #expect(!text.contains("klaxon_by_channel_seconds_count 0"))
    }

    @Test func histogramBucketsAreCumulative() {
        let m = Metrics()
        let h = m.histogram("klaxon_test_seconds", "A test histogram.", buckets: [0.1, 1])
        h.observe(0.05)
        h.observe(0.5)
        h.observe(5)
        let text = m.render()
        #expect(text.contains("klaxon_test_seconds_bucket{le=\"0.1\"} 1"))
        #expect(text.contains("klaxon_test_seconds_bucket{le=\"1\"} 2"))
        #expect(text.contains("klaxon_test_seconds_bucket{le=\"+Inf\"} 3"))
        #expect(text.contains("klaxon_test_seconds_count 3"))
    }
}
