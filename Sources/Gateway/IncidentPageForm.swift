import AlertCore
import Foundation
import IncidentLinks
import OnCall

/// The snooze buttons of an incident page.
enum SnoozeChoice: Int, Sendable, CaseIterable {
    case halfHour = 30
    case twoHours = 120

    /// `30 min`, `2 h`.
    var label: String { Self.label(minutes: rawValue) }

    /// `30 min`, `2 h`, `90 min`.
    static func label(minutes: Int) -> String { minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes) min" }
}

/// Limits on who may be named as acting.
enum ActingPerson {
    /// The most characters (Unicode scalars) a typed name may have.
    static let maxLength = 100
}

/// What a page's button posts (`application/x-www-form-urlencoded`): `by` (team links: who is
/// acting) and `minutes` (snooze). Pure; a problem is a sentence for a 400 page.
struct IncidentPageForm: Sendable, Equatable {
    /// The decoded fields; the first of repeated names wins; undecodable pairs are dropped.
    var fields: [String: String]

    /// Decodes a form body: pairs split on `&`, `+` is a space, `%XX` escapes as UTF-8.
    init(body: [UInt8]) {
        var f: [String: String] = [:]
        for pair in PercentEncoding.formPairs(body) where pair.decoded && f[pair.name] == nil { f[pair.name] = pair.value }
        fields = f
    }

    /// Who acts: the link's person; for a team link, the form's `by`, which must be one of the
    /// people paged (the page's list) or, when nobody was paged by name, any name typed.
    func actor(link: IncidentLink, paged: [PersonID]) -> Result<String, Refusal> {
        if !link.person.isEmpty { return .success(link.person) }
        let by = (fields["by"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !by.isEmpty else {
            return .failure("Say who is acting: this link was sent to a team, so choose your name on the page (form field by).")
        }
        if !paged.isEmpty {
            guard paged.contains(PersonID(by)) else {
                return .failure("\"\(by)\" was not paged for this incident: choose one of the people listed on the page.")
            }
            return .success(by)
        }
        guard by.unicodeScalars.count <= ActingPerson.maxLength, !by.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            return .failure("The name is too long or has control characters (at most \(ActingPerson.maxLength) characters).")
        }
        return .success(by)
    }

    /// The snooze's length: `minutes` must be one of the buttons' values.
    func snooze() -> Result<SnoozeChoice, Refusal> {
        let choices = SnoozeChoice.allCases.map { String($0.rawValue) }.joined(separator: " or ")
        guard let m = fields["minutes"] else { return .failure("Choose how long to snooze: form field minutes is missing (\(choices)).") }
        guard let n = Int(m), let choice = SnoozeChoice(rawValue: n) else {
            return .failure("A snooze lasts \(choices) minutes, not \"\(m)\".")
        }
        return .success(choice)
    }
}
