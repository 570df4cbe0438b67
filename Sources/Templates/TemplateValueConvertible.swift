/// A Swift value that converts to a ``TemplateValue``.
///
/// `String`, `Substring`, `Bool`, the integer types, `Double`, `Float`, optionals, arrays and
/// `[String: …]` dictionaries of convertible values conform, so
/// `TemplateValue(["title": alert.title, "labels": alert.labels, "count": 3])` works for any mix.
public protocol TemplateValueConvertible {
    /// This value as a template value.
    var templateValue: TemplateValue { get }
}

extension TemplateValue: TemplateValueConvertible {
    public var templateValue: TemplateValue { self }

    /// Converts any convertible Swift value (a string, number, array, dictionary, …).
    public init(_ value: some TemplateValueConvertible) {
        self = value.templateValue
    }

    /// Converts a dictionary whose values have mixed types.
    public init(_ entries: [String: any TemplateValueConvertible]) {
        self = .dictionary(entries.mapValues(\.templateValue))
    }

    /// Converts an array whose items have mixed types.
    public init(_ items: [any TemplateValueConvertible]) {
        self = .list(items.map(\.templateValue))
    }
}

extension String: TemplateValueConvertible {
    public var templateValue: TemplateValue { .string(self) }
}

extension Substring: TemplateValueConvertible {
    public var templateValue: TemplateValue { .string(String(self)) }
}

extension Bool: TemplateValueConvertible {
    public var templateValue: TemplateValue { .bool(self) }
}

extension Int: TemplateValueConvertible {
    public var templateValue: TemplateValue { .number(Double(self)) }
}

extension Int64: TemplateValueConvertible {
    public var templateValue: TemplateValue { .number(Double(self)) }
}

extension UInt: TemplateValueConvertible {
    public var templateValue: TemplateValue { .number(Double(self)) }
}

extension Double: TemplateValueConvertible {
    public var templateValue: TemplateValue { .number(self) }
}

extension Float: TemplateValueConvertible {
    public var templateValue: TemplateValue { .number(Double(self)) }
}

extension Optional: TemplateValueConvertible where Wrapped: TemplateValueConvertible {
    /// `nil` becomes ``TemplateValue/null``.
    public var templateValue: TemplateValue { self?.templateValue ?? .null }
}

extension Array: TemplateValueConvertible where Element: TemplateValueConvertible {
    public var templateValue: TemplateValue { .list(map(\.templateValue)) }
}

extension Dictionary: TemplateValueConvertible where Key == String, Value: TemplateValueConvertible {
    public var templateValue: TemplateValue { .dictionary(mapValues(\.templateValue)) }
}
