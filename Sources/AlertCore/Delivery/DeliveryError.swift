/// Why a delivery failed, and whether trying again can help. Channel code throws this; any other
/// error counts as transient.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case transient, permanent }
    /// A closed set, also used as a metric label.
    public enum Reason: String, Sendable, CaseIterable {
        case network, timeout, serverError, rateLimited, authError, clientError, invalidPayload, vendorCode, unparseable
        /// Another sender holds the notification right now (a duplicate copy waits its turn).
        case inProgress
    }
    public var kind: Kind
    public var reason: Reason
    /// What happened, in words an operator can act on (never a secret).
    public var detail: String

    public init(_ kind: Kind, _ reason: Reason, _ detail: String) {
        self.kind = kind
        self.reason = reason
        self.detail = detail
    }

    public static func transient(_ reason: Reason, _ detail: String) -> DeliveryError { DeliveryError(.transient, reason, detail) }
    public static func permanent(_ reason: Reason, _ detail: String) -> DeliveryError { DeliveryError(.permanent, reason, detail) }

    public var description: String { "\(kind.rawValue) \(reason.rawValue): \(detail)" }

    /// HTTP status classification shared by every HTTP channel: 5xx, 429 and 408 are transient,
    /// other 4xx permanent.
    public static func classifyHTTP(status: Int, detail: String) -> DeliveryError? {
        switch status {
        case 200..<300: nil
        case 429: .transient(.rateLimited, detail)
        case 408: .transient(.timeout, detail)
        case 401, 403: .permanent(.authError, detail)
        case 400..<500: .permanent(.clientError, detail)
        default: .transient(.serverError, detail)
        }
    }
}
