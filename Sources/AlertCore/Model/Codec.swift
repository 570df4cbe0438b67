import Foundation

/// JSON encoding and decoding of the contracts between processes, in one place.
public enum Codec {
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own value types cannot fail: every field is a plain JSON type.
        return try! Array(encoder.encode(value))
    }

    /// An alert, written directly (same bytes as the generic path; see `Alert.jsonBytes`).
    public static func encode(_ alert: Alert) -> [UInt8] { alert.jsonBytes() }

    /// An alert: the fast reader when it is sure, JSONDecoder otherwise (same result, same errors).
    public static func decode(_ type: Alert.Type, from bytes: [UInt8]) throws(PayloadError) -> Alert {
        if let a = Alert.fastDecode(bytes) { return a }
        return try decodeWithFoundation(Alert.self, from: bytes)
    }

    /// A notification: the fast reader when it is sure, JSONDecoder otherwise (same result, same
    /// errors).
    public static func decode(_ type: AlertNotification.Type, from bytes: [UInt8]) throws(PayloadError) -> AlertNotification {
        if let n = AlertNotification.fastDecode(bytes) { return n }
        return try decodeWithFoundation(AlertNotification.self, from: bytes)
    }

    /// Decodes a message body; a failure message names what is wrong, for a dead-letter reason.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(PayloadError) -> T {
        try decodeWithFoundation(type, from: bytes)
    }

    static func decodeWithFoundation<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(PayloadError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw PayloadError(path: path(ctx.codingPath + [key]), reason: "missing field")
        } catch let DecodingError.typeMismatch(t, ctx) {
            throw PayloadError(path: path(ctx.codingPath), reason: "expected \(t)")
        } catch let DecodingError.valueNotFound(t, ctx) {
            throw PayloadError(path: path(ctx.codingPath), reason: "expected \(t), got null")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw PayloadError(path: path(ctx.codingPath), reason: "malformed: \(ctx.debugDescription)")
        } catch {
            throw PayloadError(path: "$", reason: "\(error)")
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.reduce("$") { acc, k in
            if let i = k.intValue { return acc + "[\(i)]" }
            return acc + "." + k.stringValue
        }
    }
}
