import Foundation

/// Where phone providers call the gateway back (`gateway.public_url` + path), written once for
/// the worker that builds the URLs and the gateway that checks their signatures: Twilio signs
/// the URL exactly as it was given, so both sides must spell the query the same way.
public enum VoiceCallbacks {
    /// Twilio's `<Gather action>`: the key pressed (`Digits`).
    public static let twilioGatherPath = "/voice/twilio/gather"
    /// Twilio's `StatusCallback`: how the call ended (`CallStatus`).
    public static let twilioStatusPath = "/voice/twilio/status"
    /// The webhook provider's callback: outcome and key, as signed JSON.
    public static let webhookPath = "/voice/webhook/callback"

    /// `n=<notification>&i=<incident>`, values percent-encoded (RFC 3986 unreserved kept), in
    /// this order.
    public static func query(notification: String, incident: String) -> String {
        "n=\(encode(notification))&i=\(encode(incident))"
    }

    /// `<public_url><path>?n=…&i=…`.
    public static func url(_ publicURL: String, _ path: String, notification: String, incident: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        return "\(base)\(path)?\(query(notification: notification, incident: incident))"
    }

    /// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`.
    public static func encode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    /// `application/x-www-form-urlencoded` of `fields`, in order.
    public static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    /// Parses a form body (`+` is a space); repeated names kept in order. Undecodable pairs are
    /// kept raw.
    public static func parseForm(_ body: [UInt8]) -> [(String, String)] {
        let text = String(decoding: body, as: UTF8.self)
        guard !text.isEmpty else { return [] }
        return text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
