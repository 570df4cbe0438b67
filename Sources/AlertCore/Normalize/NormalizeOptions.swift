import Foundation

/// Per-integration settings a normalizer needs, read from the integration's config entry
/// (`IntegrationConfig`) and passed in through `NormalizeContext.options`.
/// Each setting applies to one kind only; the config reader rejects it for the others.
public struct NormalizeOptions: Sendable, Equatable {
    /// `message_pattern` (graylog): extracts a fragment of the message text into
    /// `fields["pattern"]` (first capture group, else the whole match).
    public var messagePattern: MessagePattern?
    /// `mapping` (webhook): where a generic JSON body keeps title, message, status, ….
    /// `nil` means Grafana OnCall's generic webhook semantics.
    public var webhookMapping: WebhookMapping?

    public init(messagePattern: MessagePattern? = nil, webhookMapping: WebhookMapping? = nil) {
        self.messagePattern = messagePattern
        self.webhookMapping = webhookMapping
    }
}

/// A compiled regular expression, compared by its source text.
///
/// `NSRegularExpression` is immutable once built and documented as safe to use from several
/// threads at once, hence `@unchecked Sendable`.
public struct MessagePattern: @unchecked Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    private let regex: NSRegularExpression

    /// Throws the `NSRegularExpression` error when the pattern does not compile.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.regex = try NSRegularExpression(pattern: pattern)
    }

    public static func == (a: MessagePattern, b: MessagePattern) -> Bool { a.pattern == b.pattern }

    public var description: String { pattern }

    /// The first capture group that took part in the first match, else the whole match;
    /// `nil` when the pattern does not match.
    public func extract(from text: String) -> String? {
        let whole = NSRange(text.startIndex..., in: text)
        guard let m = regex.firstMatch(in: text, range: whole) else { return nil }
        for group in stride(from: 1, to: m.numberOfRanges, by: 1) {
            let r = m.range(at: group)
            if r.location != NSNotFound, let range = Range(r, in: text) { return String(text[range]) }
        }
        guard let range = Range(m.range, in: text) else { return nil }
        return String(text[range])
    }
}

/// Field mapping for the generic `webhook` kind: simple JSON paths into the body
/// (`data.alert.name`, `items[0].title`; see `JSONPath`).
///
/// Every mapped field is optional. An unmapped title, message or status falls back to the
/// Grafana OnCall generic keys (`title`, `message`, `state`); see `WebhookNormalizer`.
public struct WebhookMapping: Sendable, Equatable {
    public var title: JSONPath?
    public var message: JSONPath?
    public var severity: JSONPath?
    public var status: JSONPath?
    public var fingerprint: JSONPath?
    /// Label name → path, in config order.
    public var labels: [LabelPath]
    /// Status values (compared exactly, after trimming) that mean "resolved".
    public var resolvedValues: [String]

    public static let defaultResolvedValues = ["resolved", "ok", "OK"]

    public struct LabelPath: Sendable, Equatable {
        public var name: String
        public var path: JSONPath
        public init(name: String, path: JSONPath) {
            self.name = name
            self.path = path
        }
    }

    public init(
        title: JSONPath? = nil, message: JSONPath? = nil, severity: JSONPath? = nil,
        status: JSONPath? = nil, fingerprint: JSONPath? = nil, labels: [LabelPath] = [],
        resolvedValues: [String] = WebhookMapping.defaultResolvedValues
    ) {
        self.title = title
        self.message = message
        self.severity = severity
        self.status = status
        self.fingerprint = fingerprint
        self.labels = labels
        self.resolvedValues = resolvedValues
    }
}
