import Foundation
import IncidentLinks
import Testing

/// Signed acknowledge links: every field is covered by the signature, and expiry is checked.
@Suite struct IncidentLinkTests {
    let secret = "0123456789abcdef-link-secret"
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func query(_ link: IncidentLink) -> [String: String] {
        var out: [String: String] = [:]
        for pair in link.query(secret: secret).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            out[kv[0]] = kv[1].removingPercentEncoding
        }
        return out
    }

    @Test func aLinkVerifiesAndEveryEditedFieldBreaksIt() {
        let link = IncidentLink(incidentID: "inc1", person: "alice", actions: [.acknowledge, .snooze], expires: 1_800_000_600)
        #expect(link.actionLetters == "as")
        let q = query(link)
        #expect(IncidentLink.verify(incidentID: "inc1", query: q, secret: secret, now: now) == .success(link))
        #expect(IncidentLink.verify(incidentID: "inc2", query: q, secret: secret, now: now) == .failure(.badSignature))
        for (key, value) in [("p", "bob"), ("a", "ars"), ("e", "1800000601"), ("a", "sa")] {
            var edited = q
            edited[key] = value
            #expect(IncidentLink.verify(incidentID: "inc1", query: edited, secret: secret, now: now) == .failure(.badSignature), "\(key)")
        }
        #expect(IncidentLink.verify(incidentID: "inc1", query: q, secret: secret + "x", now: now) == .failure(.badSignature))
        for key in ["p", "a", "e", "s"] {
            var missing = q
            missing[key] = nil
            guard case .failure(.malformed) = IncidentLink.verify(incidentID: "inc1", query: missing, secret: secret, now: now) else {
                Issue.record("missing \(key) accepted")
                continue
            }
        }
    }

    @Test func aLinkExpiresAtItsInstant() {
        let link = IncidentLink(incidentID: "inc1", person: "", expires: 1_800_000_000)
        #expect(IncidentLink.verify(incidentID: "inc1", query: query(link), secret: secret, now: now) == .failure(.expired(now)))
        #expect(
            IncidentLink.verify(incidentID: "inc1", query: query(link), secret: secret, now: now.addingTimeInterval(-1)) == .success(link))
    }

    @Test func theURLEscapesThePersonAndTrimsTheBase() {
        let link = IncidentLink(incidentID: "inc1", person: "a b&c", expires: 1)
        let url = link.url(publicURL: "https://k.example.com/", secret: secret)
        #expect(url.hasPrefix("https://k.example.com/incidents/inc1?p=a%20b%26c&a=arse&e=1&s="))
    }
}
