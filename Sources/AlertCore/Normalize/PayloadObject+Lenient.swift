/// Lenient reads for fields Klaxon does not need or can default: they never throw.
///
/// A 4xx from the gateway is a lost alert (Alertmanager, Grafana and most senders never retry
/// one), so a field that is not required must never cause a rejection because of its type or
/// value. One rule, applied by every normalizer through these getters:
/// - absent and `null` read as `nil`;
/// - a scalar where text is expected is stringified: strings as sent, numbers as JSON-number
///   text (`3`, `1.5`), booleans as `"true"`/`"false"`;
/// - a value of any other kind (an object or array where a scalar is expected, a scalar where
///   an object or array is expected) reads as `nil`, so the normalizer's documented default
///   applies.
/// Required fields keep the throwing getters (`array`, `object`, …), whose `PayloadError`
/// names the JSON path.
extension PayloadObject {
    /// The value at `key` as text when it is a string, number or boolean; `nil` otherwise.
    public func lenientString(_ key: String) -> String? {
        fields[key]?.scalarText
    }

    /// A finite number, or a string that reads as one (`"3"`, `" 2.5 "`); `nil` otherwise.
    public func lenientNumber(_ key: String) -> Double? {
        switch fields[key] {
        case .number(let n)?:
            return n.isFinite ? n : nil
        case .string(let s)?:
            guard let n = Double(s.trimmingWhitespace()), n.isFinite else { return nil }
            return n
        default:
            return nil
        }
    }

    /// The object at `key`; `nil` when absent, `null` or of another kind.
    public func lenientObject(_ key: String) -> PayloadObject? {
        guard case .object(let o)? = fields[key] else { return nil }
        return PayloadObject(fields: o, path: childPath(key))
    }

    /// The array at `key`; `nil` when absent, `null` or of another kind.
    public func lenientArray(_ key: String) -> [JSONValue]? {
        guard case .array(let a)? = fields[key] else { return nil }
        return a
    }

    /// The objects in the array at `key`, with their paths (`$.evalMatches[2]`); elements of
    /// other kinds are skipped, and a non-array reads as empty.
    public func lenientObjects(_ key: String) -> [PayloadObject] {
        guard let a = lenientArray(key) else { return [] }
        var out: [PayloadObject] = []
        for (i, element) in a.enumerated() {
            if case .object(let o) = element { out.append(PayloadObject(fields: o, path: "\(childPath(key))[\(i)]")) }
        }
        return out
    }

    /// An object of scalars as `[String: String]` (labels, annotations, tags): each scalar value
    /// stringified as `lenientString` does; `null`, object and array values are dropped (their
    /// key is absent). A value at `key` that is not an object reads as `[:]`.
    public func lenientStringMap(_ key: String) -> [String: String] {
        guard case .object(let o)? = fields[key] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in o {
            if let text = v.scalarText { out[k] = text }
        }
        return out
    }

    /// An RFC 3339 time as sent (offset and fraction kept) when it is a string that parses and
    /// is not the zero time (`0001-01-01…`, "not ended"); `nil` otherwise, so the caller's
    /// default (the receive time) applies.
    public func lenientTimestamp(_ key: String) -> String? {
        guard case .string(let s)? = fields[key], !Timestamps.isUnset(s), Timestamps.parse(s) != nil else { return nil }
        return s
    }

    /// A link: a string that `AlertmanagerNormalizer.usableURL` keeps (trimmed, non-empty, with
    /// a host). Numbers and booleans are never URLs and read as `nil`.
    public func lenientURL(_ key: String) -> String? {
        guard case .string(let s)? = fields[key] else { return nil }
        return AlertmanagerNormalizer.usableURL(s)
    }
}
