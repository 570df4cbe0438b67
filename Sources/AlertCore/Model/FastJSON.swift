/// What the fast decoders of the messages between processes (`Alert.fastDecode`,
/// `AlertNotification.fastDecode`) share: the document as the fast reader's tree, and values
/// read exactly as `JSONDecoder` reads them, or `nil` whenever it is not sure (the caller then
/// lets `JSONDecoder` decide, and word the error).
enum FastJSON {
    /// Deeper than any message Klaxon writes (a notification: notification → alert → labels);
    /// deeper documents are left to JSONDecoder, so the reader's recursion stays shallow.
    static let maxDepth = 8

    /// The top-level object of valid UTF-8 JSON the strict reader is sure of.
    static func object(_ bytes: [UInt8]) -> [String: JSONValue]? {
        guard String(validating: bytes, as: UTF8.self) != nil, JSONParsing.nestingDepth(bytes) <= maxDepth,
            case .object(let o)? = JSONReader.read(bytes)
        else { return nil }
        return o
    }

    static func string(_ v: JSONValue?) -> String? {
        if case .string(let s)? = v { return s }
        return nil
    }

    /// An integral number, as JSONDecoder reads an `Int` (`1.0` and `1e0` are 1; `1.5` is not).
    static func int(_ v: JSONValue?) -> Int? {
        guard case .number(let n)? = v, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }

    /// An array of strings.
    static func strings(_ v: JSONValue?) -> [String]? {
        guard case .array(let a)? = v else { return nil }
        var out: [String] = []
        out.reserveCapacity(a.count)
        for e in a {
            guard case .string(let s) = e else { return nil }
            out.append(s)
        }
        return out
    }

    /// An optional field as `decodeIfPresent` reads it: absent or null is `.some(nil)`; a value
    /// `read` cannot take is `nil` (JSONDecoder would throw).
    static func optional<T>(_ v: JSONValue?, _ read: (JSONValue?) -> T?) -> T?? {
        switch v {
        case nil, .null?: return .some(nil)
        case let value?:
            guard let t = read(value) else { return nil }
            return .some(t)
        }
    }
}
