import AlertCore
import Foundation
import Signing

/// The incident API's bearer tokens (`incidents.api_tokens`): `Authorization: Bearer <token>`.
/// Every configured token is compared, in constant time over SHA-256 digests (so neither the
/// position of the first difference nor the lengths show in the timing), without an early exit.
enum IncidentAPIAuth {
    /// The challenge sent with every 401.
    static let challenge = ("WWW-Authenticate", "Bearer realm=\"klaxon\"")

    /// The name of the token the header carries, or why it is refused (a sentence for the 401).
    static func check(_ header: String?, tokens: [IncidentsConfig.APIToken]) -> Result<String, Refusal> {
        guard let header, !header.trimmingWhitespace().isEmpty else {
            return .failure("missing bearer token: send Authorization: Bearer <token> (a token from incidents.api_tokens)")
        }
        let parts = header.trimmingWhitespace().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure("malformed Authorization header: expected Bearer <token>")
        }
        guard !tokens.isEmpty else { return .failure("the incident API has no tokens configured (incidents.api_tokens)") }
        guard let token = match(String(parts[1]), among: tokens) else { return .failure("invalid bearer token") }
        return .success(token.name)
    }

    /// The configured token `presented` is (surrounding whitespace ignored), or nil; every token
    /// compared, as SHA-256 digests in constant time. Also the Grafana OnCall relay's check of
    /// its raw `Authorization` header.
    static func match(_ presented: String, among tokens: [IncidentsConfig.APIToken]) -> IncidentsConfig.APIToken? {
        let digest = Signing.sha256(Array(presented.trimmingWhitespace().utf8))
        var found: IncidentsConfig.APIToken? = nil
        for t in tokens where Signing.constantTimeEquals(digest, Signing.sha256(Array(t.token.utf8))) { found = t }
        return found
    }
}
