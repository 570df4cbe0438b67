import Foundation

extension WebhookMapping {
    /// Reads an integration's `mapping:` section. Keys: `title`, `message`, `severity`,
    /// `status`, `fingerprint` (each a `JSONPath`), `labels` (label name → path) and
    /// `resolved_values` (a non-empty list of strings). Bad paths and unknown keys are reported
    /// with their config path (`integrations[2].mapping.labels.app`).
    static func read(_ m: MappingReader) -> WebhookMapping {
        var w = WebhookMapping()
        w.title = path(m, "title")
        w.message = path(m, "message")
        w.severity = path(m, "severity")
        w.status = path(m, "status")
        w.fingerprint = path(m, "fingerprint")
        if m.keys.contains("labels"), let labels = m.mapping("labels") {
            for name in labels.keys {
                if name.isEmpty { labels.report(name, "label name must not be empty") }
                if let p = path(labels, name) { w.labels.append(LabelPath(name: name, path: p)) }
            }
            labels.finish()
        }
        if let values = m.stringList("resolved_values") {
            if values.isEmpty { m.report("resolved_values", "must list at least one value") } else { w.resolvedValues = values }
        }
        m.finish()
        return w
    }

    private static func path(_ m: MappingReader, _ key: String) -> JSONPath? {
        guard let text = m.string(key) else { return nil }
        do { return try JSONPath(text) } catch {
            m.report(key, "invalid JSON path: \(error.reason)")
            return nil
        }
    }
}
