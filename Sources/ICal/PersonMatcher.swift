import Foundation
import OnCall
import TimeKit

/// Finds the person an event means, from its `SUMMARY` or else its `ATTENDEE`s.
///
/// `SUMMARY` (trimmed, an OnCall-style `[L1]` level prefix removed) must equal, ignoring case,
/// a person's id, name or e-mail; Klaxon's own export summaries `On call: <name> (<schedule>)`
/// are recognised too, so an exported calendar imports back. Otherwise every `ATTENDEE` whose
/// address (`mailto:` removed) equals a person's e-mail, ignoring case, is on call.
struct PersonMatcher {
    /// (lowercased key, person), ids first, then names, then e-mails: the first match wins.
    private let keys: [(String, PersonID)]
    /// (lowercased e-mail, person), for `ATTENDEE`s.
    private let emails: [(String, PersonID)]

    /// A matcher over `people`.
    init(people: [Person]) {
        emails = people.compactMap { p in p.email.map { ($0.lowercased(), p.id) } }
        keys = people.map { ($0.id.rawValue.lowercased(), $0.id) } + people.map { ($0.name.lowercased(), $0.id) } + emails
    }

    /// The people an event with `summary` and `attendees` puts on call; empty when it names
    /// nobody known.
    func people(summary: String?, attendees: [String]) -> [PersonID] {
        if let summary, let p = person(summary: summary) { return [p] }
        var out: [PersonID] = []
        for a in attendees {
            if let p = person(attendee: a), !out.contains(p) { out.append(p) }
        }
        return out
    }

    /// The person `summary` names, if any.
    func person(summary: String) -> PersonID? {
        let text = Self.strippingLevel(summary.trimmingCharacters(in: .whitespacesAndNewlines)).lowercased()
        guard !text.isEmpty else { return nil }
        if let p = exact(text) { return p }
        let prefix = "on call:"
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        if let p = exact(rest) { return p }
        // `On call: <name> (<schedule>)`: the schedule's name may itself hold parentheses, so try
        // each known key as the part before " (" instead of cutting at a parenthesis.
        return keys.first { !$0.0.isEmpty && rest.hasPrefix($0.0 + " (") && rest.hasSuffix(")") }?.1
    }

    /// The person whose e-mail `attendee` (a `mailto:` URI or a bare address) is, if any.
    func person(attendee: String) -> PersonID? {
        var address = attendee.trimmingCharacters(in: .whitespaces)
        if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
        let key = address.lowercased()
        guard !key.isEmpty else { return nil }
        return emails.first { $0.0 == key }?.1
    }

    private func exact(_ text: String) -> PersonID? {
        keys.first { $0.0 == text }?.1
    }

    /// `summary` without a leading `[L<digits>]` level tag (Grafana OnCall's layer prefix).
    static func strippingLevel(_ summary: String) -> String {
        guard summary.hasPrefix("["), let close = summary.firstIndex(of: "]") else { return summary }
        let tag = summary[summary.index(after: summary.startIndex)..<close]
        guard tag.count >= 2, tag.first == "L" || tag.first == "l", tag.dropFirst().allSatisfy(\.isNumber) else { return summary }
        return summary[summary.index(after: close)...].trimmingCharacters(in: .whitespaces)
    }
}
