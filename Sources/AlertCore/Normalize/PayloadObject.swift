/// Typed, path-aware reads from an untrusted JSON object. Absent and `null` read as `nil`;
/// a present value of the wrong kind throws a `PayloadError` naming its path. These strict
/// getters are for the fields a source truly needs; every other field is read with the
/// lenient getters (`PayloadObject+Lenient.swift`), which never throw.
public struct PayloadObject: Sendable {
    /// The object's members as parsed.
    public let fields: [String: JSONValue]
    /// The object's JSON path (`$`, `$.alerts[0]`), the prefix of every error it reports.
    public let path: String

    /// An object already known to be one (the lenient getters build their children this way).
    init(fields: [String: JSONValue], path: String) {
        self.fields = fields
        self.path = path
    }

    public init(_ value: JSONValue, path: String) throws(PayloadError) {
        guard case .object(let o) = value else {
            throw PayloadError(path: path, reason: "expected an object, got \(value.kindName)")
        }
        self.fields = o
        self.path = path
    }

    public func childPath(_ key: String) -> String { "\(path).\(key)" }

    public func has(_ key: String) -> Bool {
        if let v = fields[key], !v.isNull { return true }
        return false
    }

    public func string(_ key: String) throws(PayloadError) -> String? {
        guard let v = fields[key], !v.isNull else { return nil }
        guard case .string(let s) = v else {
            throw PayloadError(path: childPath(key), reason: "expected a string, got \(v.kindName)")
        }
        return s
    }

    public func requiredString(_ key: String) throws(PayloadError) -> String {
        guard let s = try string(key) else { throw PayloadError(path: childPath(key), reason: "missing field") }
        return s
    }

    /// A string, number or boolean rendered as text (sources disagree on which they send).
    public func scalarText(_ key: String) throws(PayloadError) -> String? {
        guard let v = fields[key], !v.isNull else { return nil }
        guard let text = v.scalarText else {
            throw PayloadError(path: childPath(key), reason: "expected a string or number, got \(v.kindName)")
        }
        return text
    }

    public func number(_ key: String) throws(PayloadError) -> Double? {
        guard let v = fields[key], !v.isNull else { return nil }
        if case .number(let n) = v { return n }
        if case .string(let s) = v, let n = Double(s) { return n }
        throw PayloadError(path: childPath(key), reason: "expected a number, got \(v.kindName)")
    }

    public func bool(_ key: String) throws(PayloadError) -> Bool? {
        guard let v = fields[key], !v.isNull else { return nil }
        guard case .bool(let b) = v else {
            throw PayloadError(path: childPath(key), reason: "expected a boolean, got \(v.kindName)")
        }
        return b
    }

    public func object(_ key: String) throws(PayloadError) -> PayloadObject? {
        guard let v = fields[key], !v.isNull else { return nil }
        return try PayloadObject(v, path: childPath(key))
    }

    public func array(_ key: String) throws(PayloadError) -> [JSONValue]? {
        guard let v = fields[key], !v.isNull else { return nil }
        guard case .array(let a) = v else {
            throw PayloadError(path: childPath(key), reason: "expected an array, got \(v.kindName)")
        }
        return a
    }

    /// An object of scalars as `[String: String]` (labels, annotations). Null values are skipped;
    /// nested objects or arrays are an error naming the key.
    public func stringMap(_ key: String) throws(PayloadError) -> [String: String] {
        guard let obj = try object(key) else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in obj.fields {
            if v.isNull { continue }
            guard let text = v.scalarText else {
                throw PayloadError(path: obj.childPath(k), reason: "expected a string, got \(v.kindName)")
            }
            out[k] = text
        }
        return out
    }
}
