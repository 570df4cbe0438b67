import Foundation

/// Why a request body is not acceptable JSON. `reason` is safe to show to the sender.
public struct PayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path of the offending field (`$.alerts[0].labels`), or `$` for the whole body.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path == "$" ? reason : "\(path): \(reason)" }
}

/// Limits applied before and while parsing an untrusted body.
public struct JSONLimits: Sendable, Equatable {
    public var maxDepth: Int
    public init(maxDepth: Int = 32) { self.maxDepth = maxDepth }
}

public enum JSONParsing {
    /// Parses an untrusted body: rejects invalid UTF-8, nesting deeper than the limit (checked by
    /// a scan before the parser recurses), and anything that is not JSON.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(PayloadError) -> JSONValue {
        try parseNotingReader(bytes, limits: limits).value
    }

    /// Which reader produced a parsed value.
    enum Reader: Sendable, Equatable {
        /// `JSONReader`, the fast path every well-formed plain document should take.
        case fast
        /// `JSONDecoder`, for what the fast reader left to it (doubtful or invalid input).
        case decoder
    }

    /// `parse`, also saying which reader produced the value, so tests can prove that the fast
    /// path is taken (the two readers agree on every value, so the value alone cannot tell).
    static func parseNotingReader(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(PayloadError) -> (value: JSONValue, reader: Reader) {
        if bytes.isEmpty { throw PayloadError(path: "$", reason: "empty body; expected a JSON document") }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw PayloadError(path: "$", reason: "body is not valid UTF-8")
        }
        let depth = nestingDepth(bytes)
        if depth > limits.maxDepth {
            throw PayloadError(path: "$", reason: "JSON nesting depth \(depth) exceeds the limit of \(limits.maxDepth)")
        }
        // Fast path: a strict RFC 8259 reader straight into JSONValue. Decoding JSONValue through
        // JSONDecoder costs a thrown DecodingError per node (its init tries Bool, Double,
        // String… in turn) and was 35-40% of the gateway's CPU under load. The reader gives up
        // (nil) on anything invalid or doubtful, and the decoder below then decides.
        if let value = JSONReader.read(bytes) { return (value, .fast) }
        let data = Data(bytes)
        // Slow path, for invalid documents: the decoder's error message names the problem.
        do {
            return (try JSONDecoder().decode(JSONValue.self, from: data), .decoder)
        } catch {
            throw PayloadError(path: "$", reason: "malformed JSON: \(describe(error))")
        }
    }

    /// The deepest nesting of arrays and objects, ignoring brackets inside strings.
    public static func nestingDepth(_ bytes: [UInt8]) -> Int {
        var depth = 0, maxDepth = 0, inString = false, escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                maxDepth = max(maxDepth, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return maxDepth
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let ctx) = error {
            let inner = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return inner ?? ctx.debugDescription
        }
        return "\(error)"
    }
}
