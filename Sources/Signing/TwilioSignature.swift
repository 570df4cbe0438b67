import Foundation

/// Twilio's `X-Twilio-Signature` (twilio-python `request_validator.py`): the full URL Twilio
/// requested (query included), then for each POST parameter name in sorted order, each of its
/// values in sorted order, `name + value` appended; HMAC-SHA1 keyed by the account's auth token,
/// base64.
public enum TwilioSignature {
    /// The signature of a request to `url` with form parameters `params` (repeated names allowed).
    public static func sign(authToken: String, url: String, params: [(String, String)]) -> String {
        var s = url
        let grouped = Dictionary(grouping: params, by: \.0)
        for name in grouped.keys.sorted(by: utf8Less) {
            for value in grouped[name, default: []].map(\.1).sorted(by: utf8Less) { s += name + value }
        }
        return Signing.base64(Signing.hmac(.sha1, key: authToken, message: s))
    }

    /// Whether `signature` is right for any of `authTokens` and `url` as given, or with its
    /// default port added or removed (Twilio's validators try both readings); constant time per
    /// candidate.
    public static func isValid(signature: String, authTokens: [String], url: String, params: [(String, String)]) -> Bool {
        var ok = false
        for token in authTokens {
            for candidate in urlVariants(url) {
                if Signing.constantTimeEquals(Array(sign(authToken: token, url: candidate, params: params).utf8), Array(signature.utf8)) { ok = true }
            }
        }
        return ok
    }

    /// `url`, and `url` with the scheme's default port toggled (`https://h/p` ↔ `https://h:443/p`).
    static func urlVariants(_ url: String) -> [String] {
        guard var c = URLComponents(string: url), let scheme = c.scheme, let host = c.host, !host.isEmpty else { return [url] }
        let standard = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        guard let standard else { return [url] }
        if c.port == standard {
            c.port = nil
        } else if c.port == nil {
            c.port = standard
        } else {
            return [url]
        }
        return [url, c.string ?? url]
    }

    /// Byte order, as Python sorts `str` (code points; UTF-8 order is the same).
    static func utf8Less(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }
}
