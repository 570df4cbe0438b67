import Foundation
import IncidentLinks

/// The checks of a signed link before anything is read or done, as page problems: a damaged
/// link 400, a wrong signature 403, an expired link 410, an action the link does not allow 403.
enum IncidentLinkCheck {
    /// Every `klaxon_gateway_incident_links_rejected_total` reason.
    static let reasons = ["links_off", "malformed", "bad_signature", "expired", "action_not_allowed"]

    /// The link in `query` for incident `id` under `secret` at `now`.
    static func verify(id: String, query: [String: String], secret: String, now: Date) -> Result<IncidentLink, PageProblem> {
        switch IncidentLink.verify(incidentID: id, query: query, secret: secret, now: now) {
        case .success(let link):
            return .success(link)
        case .failure(.malformed(let why)):
            return .failure(
                PageProblem(
                    status: 400, reason: "link_malformed", title: "This link is damaged",
                    detail: "The link is incomplete or damaged (\(why)). Open it again from the notification, whole.", linkReason: "malformed"))
        case .failure(.badSignature):
            return .failure(
                PageProblem(
                    status: 403, reason: "link_signature", title: "This link is not valid",
                    detail:
                        "The link's signature does not match: it was changed, or it was signed with another secret. Open it again from the notification.",
                    linkReason: "bad_signature"))
        case .failure(.expired(let at)):
            return .failure(
                PageProblem(
                    status: 410, reason: "link_expired", title: "This link has expired",
                    detail: "The link expired at \(IncidentText.time(at)). Use the link in the newest notification, or klaxonctl incident.",
                    linkReason: "expired"))
        }
    }

    /// The link's query (`p=…&a=…&e=…&s=…`) as the page repeats it on its forms and redirects:
    /// rebuilt from the verified fields (never the request's text), the person as plain ASCII.
    static func query(_ link: IncidentLink, secret: String) -> String { link.query(secret: secret) }

    /// Whether `link` lets its holder `verb`.
    static func allow(_ verb: IncidentVerb, by link: IncidentLink) -> Result<Void, PageProblem> {
        guard link.actions.contains(verb.linkAction) else {
            return .failure(
                PageProblem(
                    status: 403, reason: "link_action", title: "Not allowed by this link",
                    detail: "This link does not allow \"\(verb.label)\"; it allows: "
                        + (IncidentVerb.allCases.filter { link.actions.contains($0.linkAction) }.map(\.label).joined(separator: ", ").nonEmpty
                            ?? "nothing")
                        + ".", linkReason: "action_not_allowed"))
        }
        return .success(())
    }
}

extension String {
    /// nil for the empty string.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
