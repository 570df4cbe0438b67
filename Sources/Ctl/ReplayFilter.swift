/// `replay`'s selection: every `--match label=value` must hold (a label of the alert, or of the
/// notification's alert), and `--reason REGEX` must match the dead-letter reason or the last
/// error. No filter selects everything, unparseable bodies included; a `--match` never selects
/// an unparseable body (it has no labels).
struct ReplayFilter {
    var labels: [(name: String, value: String)] = []
    var reasonPattern: String? = nil
    private var reason: Regex<AnyRegexOutput>? = nil

    init(matches: [String], reason pattern: String?) throws(CtlError) {
        for m in matches {
            guard let eq = m.firstIndex(of: "="), eq != m.startIndex else {
                throw .usage("--match: expected label=value, got \"\(m)\"")
            }
            labels.append((String(m[..<eq]), String(m[m.index(after: eq)...])))
        }
        if let pattern {
            do { reason = try Regex(pattern) } catch { throw .usage("--reason: invalid regular expression \"\(pattern)\": \(error)") }
            reasonPattern = pattern
        }
    }

    var isEmpty: Bool { labels.isEmpty && reasonPattern == nil }

    func matches(_ m: DeadLetter) -> Bool {
        for (name, value) in labels where m.labels[name] != value { return false }
        if let reason {
            return m.reason.firstMatch(of: reason) != nil || m.lastError.firstMatch(of: reason) != nil
        }
        return true
    }
}
