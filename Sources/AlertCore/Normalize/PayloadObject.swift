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

    /// Wraps `value` found at `path`; throws a `PayloadError` naming `path` when it is not an object.
    public init(_ value: JSONValue, path: String) throws(PayloadError) {
        guard case .object(let o) = value else {
            throw PayloadError(path: path, reason: "expected an object, got \(value.kindName)")
        }
        self.fields = o
        self.path = path
    }

    /// The path of member `key` (`$.alerts` for `alerts` of `$`).
    public func childPath(_ key: String) -> String { "\(path).\(key)" }

    /// Whether `key` is present and not `null`.
    public func has(_ key: String) -> Bool {
        if let v = fields[key], !v.isNull { return true }
        return false
    }

    /// A required object (`event`): `nil` when absent or `null`; another kind throws a
    /// `PayloadError` naming the path.
    public func object(_ key: String) throws(PayloadError) -> PayloadObject? {
        guard let v = fields[key], !v.isNull else { return nil }
        return try PayloadObject(v, path: childPath(key))
    }

    /// A required array (`alerts`): `nil` when absent or `null`; another kind throws a
    /// `PayloadError` naming the path.
    public func array(_ key: String) throws(PayloadError) -> [JSONValue]? {
        guard let v = fields[key], !v.isNull else { return nil }
        guard case .array(let a) = v else {
            throw PayloadError(path: childPath(key), reason: "expected an array, got \(v.kindName)")
        }
        return a
    }
}
