import Foundation
import AlertCore
import Signing

/// A signed link to an incident's page on the gateway, put in every notification the escalator
/// sends. It names the incident, the person it was sent to (empty for a team channel: the page
/// then asks who is acting), the actions it allows, and when it expires, all under an
/// HMAC-SHA256 of the `incidents.link_secret_env` secret.
///
/// `GET {public_url}/incidents/{id}?p={person}&a={actions}&e={expires}&s={signature}` shows the
/// page and changes nothing (chat apps and mail scanners prefetch links); the page's buttons
/// `POST` the same query to `/incidents/{id}/{action}`.
public struct IncidentLink: Sendable, Hashable {
    /// What a link lets its holder do; one letter each in the URL.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case acknowledge = "a"
        case resolve = "r"
        case snooze = "s"
        case escalate = "e"
    }

    /// The incident.
    public var incidentID: String
    /// The person it was sent to; empty for a robot or a mailing list.
    public var person: String
    /// What it allows.
    public var actions: Set<Action>
    /// When it stops working (whole Unix seconds).
    public var expires: Int64

    /// A link.
    public init(incidentID: String, person: String, actions: Set<Action> = Set(Action.allCases), expires: Int64) {
        self.incidentID = incidentID
        self.person = person
        self.actions = actions
        self.expires = expires
    }

    /// The actions' letters in a fixed order (`ares`).
    public var actionLetters: String { Action.allCases.filter(actions.contains).map(\.rawValue).joined() }

    /// The signature over every field, base64url without padding.
    public func signature(secret: String) -> String {
        let message = "klaxon-link-v1\n\(incidentID)\n\(person)\n\(actionLetters)\n\(expires)"
        return Self.base64URL(Signing.hmacSHA256(key: Array(secret.utf8), message: Array(message.utf8)))
    }

    /// The query string (without `?`): `p`, `a`, `e`, `s`.
    public func query(secret: String) -> String {
        "p=\(Self.escape(person))&a=\(actionLetters)&e=\(expires)&s=\(signature(secret: secret))"
    }

    /// The page's URL under `publicURL` (no trailing slash needed).
    public func url(publicURL: String, secret: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return "\(base)/incidents/\(Self.escape(incidentID))?\(query(secret: secret))"
    }

    /// Why a link does not work.
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        /// A field is missing or malformed.
        case malformed(String)
        /// The signature does not match (wrong secret, or an edited field).
        case badSignature
        /// It expired at this instant.
        case expired(Date)

        public var description: String {
            switch self {
            case .malformed(let why): "this link is incomplete or damaged (\(why))"
            case .badSignature: "this link's signature does not match: it was changed, or signed with another secret"
            case .expired(let at): "this link expired at \(ISO8601DateFormatter().string(from: at))"
            }
        }
    }

    /// Checks a link's fields (`query` are the decoded query parameters) for `incidentID` at `now`.
    public static func verify(incidentID: String, query: [String: String], secret: String, now: Date) -> Result<IncidentLink, Rejection> {
        guard let person = query["p"] else { return .failure(.malformed("no p")) }
        guard let letters = query["a"] else { return .failure(.malformed("no a")) }
        var actions = Set<Action>()
        for c in letters {
            guard let a = Action(rawValue: String(c)) else { return .failure(.malformed("unknown action \(c)")) }
            actions.insert(a)
        }
        guard let e = query["e"], let expires = Int64(e) else { return .failure(.malformed("no e")) }
        guard let s = query["s"], !s.isEmpty else { return .failure(.malformed("no s")) }
        let link = IncidentLink(incidentID: incidentID, person: person, actions: actions, expires: expires)
        // The letters must be in canonical order too, or the signature would cover another text.
        guard link.actionLetters == letters,
            Signing.constantTimeEquals(Array(link.signature(secret: secret).utf8), Array(s.utf8))
        else { return .failure(.badSignature) }
        let end = Date(timeIntervalSince1970: TimeInterval(expires))
        guard now < end else { return .failure(.expired(end)) }
        return .success(link)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Signing.base64(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func escape(_ s: String) -> String { PercentEncoding.unreserved(s) }
}
