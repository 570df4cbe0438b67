import Foundation
import Signing
import Testing

/// Twilio's request signature against vectors computed outside Swift (`openssl dgst -sha1
/// -hmac 12345 -binary | base64` over the concatenated string), and Klaxon's webhook signature.
@Suite struct VoiceSignatureTests {
    static let params = [
        ("To", "+18005551212"), ("From", "+14158675309"), ("Digits", "1234"), ("Caller", "+14158675309"), ("CallSid", "CA1234567890ABCDE"),
    ]

    @Test func twilioSignatureMatchesTheReferenceVector() {
        // The string signed: url + CallSidCA1234567890ABCDE + Caller+14158675309 + Digits1234 +
        // From+14158675309 + To+18005551212 (names sorted).
        #expect(
            TwilioSignature.sign(authToken: "12345", url: "https://mycompany.com/myapp.php?foo=1&bar=2", params: Self.params)
                == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        let docs = Self.params.map { ($0.0, $0.1 == "+14158675309" ? "+12349013030" : $0.1) }
        #expect(
            TwilioSignature.sign(authToken: "12345", url: "https://mycompany.com/myapp.php?foo=1&bar=2", params: docs)
                == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    }

    @Test func twilioValidationTriesTheDefaultPortAndEveryToken() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let signed = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        #expect(TwilioSignature.isValid(signature: signed, authTokens: ["other", "12345"], url: url, params: Self.params))
        #expect(
            TwilioSignature.isValid(
                signature: signed, authTokens: ["12345"], url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", params: Self.params))
        #expect(!TwilioSignature.isValid(signature: signed, authTokens: ["1234"], url: url, params: Self.params))
        #expect(!TwilioSignature.isValid(signature: signed, authTokens: ["12345"], url: url + "&x=1", params: Self.params))
        #expect(!TwilioSignature.isValid(signature: signed, authTokens: ["12345"], url: url, params: Self.params + [("Digits", "2")]))
        #expect(
            !TwilioSignature.isValid(
                signature: signed, authTokens: ["12345"], url: "https://mycompany.com:8443/myapp.php?foo=1&bar=2", params: Self.params))
    }

    @Test func repeatedParametersAreSortedByValue() {
        let a = TwilioSignature.sign(authToken: "k", url: "https://h/p", params: [("b", "2"), ("a", "z"), ("b", "1")])
        let b = TwilioSignature.sign(authToken: "k", url: "https://h/p", params: [("a", "z"), ("b", "1"), ("b", "2")])
        #expect(a == b)
        // openssl: printf 'https://h/pazb1b2' | openssl dgst -sha1 -hmac k -binary | base64
        #expect(a == Self.openSSLRepeated)
    }

    static let openSSLRepeated = "IMndf1TfdRhnjnifbqv22xGkECY="

    @Test func webhookSignatureChecksBodyTimestampAndSkew() {
        let body = Array(#"{"a":1}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let sig = VoiceWebhookSignature.sign(secret: "s3", timestamp: 1_700_000_000, body: body)
        // openssl: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3
        #expect(sig == "sha256=" + Self.openSSLWebhook)
        #expect(VoiceWebhookSignature.problem(signature: sig, timestamp: "1700000000", body: body, secrets: ["x", "s3"], now: now) == nil)
        #expect(
            VoiceWebhookSignature.problem(signature: sig, timestamp: "1700000001", body: body, secrets: ["s3"], now: now)
                == "signature does not match")
        #expect(VoiceWebhookSignature.problem(signature: sig, timestamp: "1700000000", body: body + [32], secrets: ["s3"], now: now) != nil)
        #expect(
            VoiceWebhookSignature.problem(signature: sig, timestamp: "1700000000", body: body, secrets: ["s3"], now: now.addingTimeInterval(301))
                == "X-Klaxon-Timestamp is too far from now")
        #expect(VoiceWebhookSignature.problem(signature: nil, timestamp: "1700000000", body: body, secrets: ["s3"], now: now) != nil)
    }

    static let openSSLWebhook = "3842ccfffa015bace20dde13ac759e2031f45b1d772564d50be7acdbd0f93d51"
}
